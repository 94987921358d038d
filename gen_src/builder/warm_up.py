"""`mkdocs serve` on a cold cache: train what the site lacks, apart.

The serve answers at once and shows a box where a figure is still
training; this process, started by it (gen_src.website.background),
trains the runs the figures lack side by side, then executes the
notebooks, and says how far it got in a progress file that the serve
watches: each write rebuilds the site, and the figures whose runs are
done replace their boxes through live reload. `mkdocs build` does not use
it: a build waits for everything and fails on any error.

    python -m gen_src.builder.warm_up --progress FILE --parent PID
        [--profile P] [--device D] [--cache-dir DIR] [--repository URL]
        [--no-notebooks]
"""

from __future__ import annotations

import argparse
import bisect
import functools
import json
import logging
import time
from pathlib import Path

from . import cache as cache_mod
from . import registry, stopping, workers

log = logging.getLogger("gen_src.pipeline")

# Seconds a run of cost 1 (a toy GAN on the ring) takes on one core, per
# profile, until the runs done here measure it
UNIT_SECONDS = {"smoke": 1.0, "quick": 8.0, "full": 40.0}


class Progress:
    """The progress file: each run's state and when it should end."""

    def __init__(self, path: Path, pipe, lacking: list[str], slots: int):
        self.path, self.slots = path, slots
        self.profile = pipe.settings.profile
        self.queue = workers.order(lacking)
        specs = registry.runs()
        self.cost = {r: specs[r].cost for r in self.queue}
        self.keys = {r: pipe.located_key(r) for r in self.queue}
        self.state = {r: "queued" for r in self.queue}
        self.errors: dict[str, str] = {}
        self.started = {r: time.time() for r in self.queue[:slots]}
        for r in self.queue[:slots]:
            self.state[r] = "training"
        self.unit = UNIT_SECONDS.get(self.profile, 8.0)
        self.measured: list[tuple[float, float]] = []  # (cost, seconds)
        self.stage = "training"

    def done(self, run: str, error: Exception | None) -> None:
        """A run ended: the next in the queue starts in its slot."""
        now = time.time()
        self.state[run] = "failed" if error else "done"
        if error:
            self.errors[run] = f"{type(error).__name__}: {error}"
        else:
            self.measured.append((self.cost[run], now - self.started[run]))
            cost = sum(c for c, _ in self.measured)
            self.unit = sum(s for _, s in self.measured) / max(cost, 1e-9)
        queued = [r for r in self.queue if self.state[r] == "queued"]
        if queued:
            self.state[queued[0]] = "training"
            self.started[queued[0]] = now
        self.write()  # the serve rebuilds (writes in a build: one more)

    def finishes(self) -> dict[str, float]:
        """When each run not yet ended should end: the slots take the
        queue in order, each run lasting its cost times the unit."""
        now = time.time()
        out = {
            run: max(now + 1, self.started[run] + self.cost[run] * self.unit)
            for run in self.queue
            if self.state[run] == "training"
        }
        free = sorted([*out.values(), *[now] * (self.slots - len(out))])
        for run in self.queue:
            if self.state[run] == "queued":
                out[run] = free.pop(0) + self.cost[run] * self.unit
                bisect.insort(free, out[run])
        return out

    def write(self) -> None:
        """Rewrite the file, atomically."""
        ends = self.finishes()
        cache_mod.write_json(
            self.path,
            {
                "stage": self.stage,
                "profile": self.profile,
                "runs": {
                    r: {
                        "key": self.keys[r],
                        "state": self.state[r],
                        "ends": ends.get(r),
                        "error": self.errors.get(r),
                    }
                    for r in self.queue
                },
            },
        )


def lacking_runs(pipe) -> tuple[list[str], dict[str, Exception]]:
    """The runs the figures need that the cache lacks (the judge too,
    where a run on images needs it); and, apart, the runs whose key
    cannot be made (no dataset), with the error: the rest still train."""
    lacking: list[str] = []
    broken: dict[str, Exception] = {}
    for figure in sorted(registry.figures()):
        try:
            found = workers.missing(pipe, [figure])
        except Exception as err:  # each figure that needs it says so
            broken.update({r: err for r in registry.figure(figure).runs})
            continue
        lacking += [r for r in found if r not in lacking]
    return [r for r in lacking if r not in broken], broken


def read(path: Path) -> dict | None:
    """The progress file, or None if there is none (or it is damaged)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def warm(
    settings, progress_path: Path, repository: str, notebooks_too: bool
) -> int:
    """Train what the figures lack, then execute the notebooks."""
    from . import notebooks, pipeline

    pipe = pipeline.Pipeline(settings)
    lacking, _ = lacking_runs(pipe)  # the serve says why the others fail
    progress = Progress(
        progress_path,
        pipe,
        lacking,
        workers.workers_for(len(lacking), settings.device),
    )
    progress.write()
    needs = {n: set(registry.figure(n).runs) for n in registry.figures()}
    ready = set(registry.runs()) - set(lacking)

    def done(run: str, error: Exception | None) -> None:
        """Draw the figures this run completes, then say it is done."""
        if error is None:
            ready.add(run)
            for name, runs in sorted(needs.items()):
                if run in runs and runs <= ready:
                    try:
                        pipe.figure(name)
                    except Exception as err:  # the serve's page says it
                        log.warning("figure %s: %s", name, err)
        progress.done(run, error)

    task = functools.partial(pipeline._train_one, settings)
    failed = workers.train(task, lacking, done=done, device=settings.device)
    results = {}
    if notebooks_too:
        progress.stage = "notebooks"
        progress.write()
        results = notebooks.build(pipe, repository)
    progress.stage = "done"
    progress.write()
    broken = [r for r in results.values() if isinstance(r, Exception)]
    return 1 if failed or broken else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gen_src.builder.warm_up")
    parser.add_argument("--progress", required=True, type=Path)
    parser.add_argument("--parent", required=True, type=int)
    parser.add_argument("--profile")
    parser.add_argument("--device")
    parser.add_argument("--cache-dir")
    parser.add_argument("--repository", default="")
    parser.add_argument("--no-notebooks", action="store_true")
    args = parser.parse_args(argv)
    # the serve's Ctrl-C is the serve's to act on; its end, or SIGTERM,
    # ends this process and its workers at once
    stopping.as_worker(args.parent)
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    from .settings import Settings

    settings = Settings.resolve(
        args.profile, args.device, args.cache_dir, origin="cli"
    )
    return warm(
        settings, args.progress, args.repository, not args.no_notebooks
    )


if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main())
