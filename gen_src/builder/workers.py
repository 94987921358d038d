"""Training the missing runs side by side, one process per core.

On a 2-core machine torch with 2 threads slows down 5 to 50 times as soon
as another process competes for the CPU, while the site's small models
run about as fast on one thread: two runs on one thread each finish in
about half the time of the same runs one after the other. Each worker is
a fresh process (spawned: torch does not survive a fork) that trains one
run with the build's settings and writes its cache entry, under the
entry's lock; the build then loads them. The classifier that scores the
image runs goes first. The notebooks the build executes use the same
pool (side_by_side). Ctrl-C or SIGTERM stops every worker at once, and a
worker whose parent dies stops by itself (gen_src.builder.stopping).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context

from . import registry, settings, stopping

log = logging.getLogger("gen_src.pipeline")


def missing(pipe, figures: list[str]) -> list[str]:
    """The runs these figures need that pipe's cache lacks (and the
    judge, when a run scored on images is among them)."""
    from . import keys

    wanted: list[str] = []
    for figure in figures:
        wanted += [r for r in registry.figure(figure).runs if r not in wanted]
    lacking = [r for r in wanted if not pipe.cached(r)]
    judge = registry.CLASSIFIER_RUN
    scored = [
        r
        for r in lacking
        if registry.runs()[r].scored
        and keys.reads_images(pipe.config(r, pipe.settings.profile))
    ]
    if scored and judge not in lacking and not pipe.cached(judge):
        lacking.append(judge)
    return lacking


def workers_for(jobs: int, device: str = "cpu") -> int:
    """GEN_WORKERS if set; else one worker per core, or on a GPU (device:
    the build's setting) one process, which owns it (a context per worker
    time-slicing one GPU wastes it); at most one per job."""
    wanted = settings.workers_setting()
    if wanted is None:
        wanted = 1 if on_gpu(device) else os.cpu_count() or 1
    return max(1, min(wanted, jobs))


def on_gpu(device: str) -> bool:
    """Whether the device setting (auto, cpu, cuda, mps) trains on a GPU."""
    from .. import runtime

    return device != "cpu" and runtime.resolve_device(device).type != "cpu"


def _start(threads: int, parent: int) -> None:
    stopping.as_worker(parent)
    # before torch starts: a notebook's kernel, too, inherits it
    os.environ["OMP_NUM_THREADS"] = str(threads)
    import torch

    torch.set_num_threads(threads)
    logging.basicConfig(level=logging.INFO, format="%(message)s")


def train(
    task, names: list[str], done=None, device: str = "cpu"
) -> dict[str, Exception]:
    """task(name) trains a run (missing from the cache) into the cache:
    run them side by side, costliest first; return the runs that failed,
    with their errors. With one worker (and on a GPU), train here.
    done(name, error or None) is called as each run ends."""
    queue = order(names)
    if workers_for(len(queue), device) == 1:
        failed: dict[str, Exception] = {}
        for name in queue:
            try:
                with stopping.doing(f"training run {name}"):
                    task(name)
            except Exception as err:  # the figures that need it say so
                failed[name] = err
            if done is not None:
                done(name, failed.get(name))
        return failed
    return side_by_side(task, queue, "runs", done)


def order(names: list[str]) -> list[str]:
    """The order runs train in: the judge, then the costliest first."""
    runs = registry.runs()
    return sorted(
        names,
        key=lambda n: (n != registry.CLASSIFIER_RUN, -runs[n].cost, n),
    )


def side_by_side(task, items: list, what: str, done=None) -> dict:
    """task(item) for every item, in spawned workers of one core each,
    longest first as given (the pool starts them in this order); return
    the items that failed, with their errors; done(item, error or None)
    as each ends. Ctrl-C or SIGTERM here stops every worker at once."""
    workers = workers_for(len(items))
    threads = max(1, (os.cpu_count() or 1) // workers)
    log.info(
        "%d %s side by side: %d workers, %d thread(s) each",
        len(items),
        what,
        workers,
        threads,
    )
    failed = {}
    left = list(items)
    verb = {"runs": "training", "notebooks": "executing"}.get(what, "making")

    def doing() -> str:  # the first ones left are those running
        more = f" and {len(left) - workers} more" * (len(left) > workers)
        return f"{verb} {what} {', '.join(map(str, left[:workers]))}{more}"

    with stopping.doing(doing), pool(workers, threads) as executor:
        futures = {executor.submit(task, item): item for item in items}
        for future in as_completed(futures):
            left.remove(futures[future])
            try:
                future.result()
            except Exception as err:
                failed[futures[future]] = err
            if done is not None:
                done(futures[future], failed.get(futures[future]))
    return failed


@contextlib.contextmanager
def pool(workers: int, threads: int = 1) -> Iterator[ProcessPoolExecutor]:
    """Spawned workers of `threads` threads each; an exception here (Ctrl-C,
    SIGTERM) kills them all before it goes on."""
    executor = ProcessPoolExecutor(
        workers,
        mp_context=get_context("spawn"),
        initializer=_start,
        initargs=(threads, os.getpid()),
    )
    try:
        yield executor
    except BaseException:
        processes = list((executor._processes or {}).values())
        for process in processes:
            process.terminate()  # each kills its kernel, then exits
        deadline = time.monotonic() + 3
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
        # cancelling the futures as well races the pool's own clean-up
        # of a broken pool (InvalidStateError in its thread, Python 3.11)
        executor.shutdown(wait=False)
        raise
    executor.shutdown(wait=True)
