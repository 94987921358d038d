"""Training side by side (gen_src/builder/workers.py): which runs a build
lacks, how many workers, in which order, what failed, and the spawned
workers themselves."""

from __future__ import annotations

import logging
import os
import signal
import struct
import time

import pytest
import torch

from gen_src.builder import pipeline, stopping, workers


def _idx(dims: tuple[int, ...]) -> bytes:
    header = bytes([0, 0, 0x08, len(dims)])
    header += b"".join(struct.pack(">I", d) for d in dims)
    size = 1
    for d in dims:
        size *= d
    return header + bytes(size)


@pytest.fixture
def pipe(tmp_path, monkeypatch):
    """A smoke pipeline on an empty cache, over a tiny Fashion-MNIST
    (image runs' keys hash the dataset)."""
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, n in (("train", 3), ("t10k", 2)):
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(_idx((n, 28, 28)))
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(_idx((n,)))
    monkeypatch.setenv("GEN_DATA_DIR", str(tmp_path / "data"))
    return pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=tmp_path / "cache")
    )


def cache_it(pipe, run: str) -> None:
    """Make pipe see run as cached (its entry's record.json)."""
    entry = pipe.run_entry(run)
    entry.mkdir(parents=True)
    (entry / "record.json").write_text("{}")


# -- missing ------------------------------------------------------------


@pytest.mark.parametrize(
    "figures, lacking",
    [
        (["gan_ring_training"], ["toy_ring_ns"]),
        (  # each run once, in the order the figures need them
            ["gan_d_heatmap", "gan_order_compare", "gan_ring_training"],
            ["toy_ring_ns", "toy_ring_gfirst"],
        ),
        (["ae_latent"], ["ae2d"]),  # not scored: no judge
        (["vae_samples"], ["vae", "classifier"]),  # scored on images
        (["frechet_vs_samples"], ["dcgan", "classifier"]),  # judge once
        ([], []),
    ],
)
def test_missing_lists_the_runs_the_figures_need(pipe, figures, lacking):
    """A toy run is scored by its modes, without the judge; a run scored
    on images brings the judge along."""
    assert workers.missing(pipe, figures) == lacking


def test_cached_runs_are_not_missing(pipe):
    cache_it(pipe, "toy_ring_ns")
    assert workers.missing(pipe, ["gan_order_compare"]) == ["toy_ring_gfirst"]
    cache_it(pipe, "toy_ring_gfirst")
    assert workers.missing(pipe, ["gan_order_compare"]) == []


def test_a_cached_judge_is_not_trained_again(pipe):
    cache_it(pipe, "classifier")
    assert workers.missing(pipe, ["vae_samples", "cvae_style"]) == [
        "vae",
        "cvae",
    ]


def test_an_unknown_figure_is_refused(pipe):
    from gen_src.builder import registry

    with pytest.raises(registry.UnknownFigureError, match="no_such"):
        workers.missing(pipe, ["no_such"])


# -- workers_for --------------------------------------------------------


def test_workers_follow_gen_workers_but_never_exceed_the_jobs(monkeypatch):
    monkeypatch.setenv("GEN_WORKERS", "3")
    assert workers.workers_for(10) == 3
    assert workers.workers_for(2) == 2
    assert workers.workers_for(1) == 1
    assert workers.workers_for(0) == 1  # at least one


def test_without_gen_workers_there_is_one_worker_per_core(monkeypatch):
    monkeypatch.delenv("GEN_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert workers.workers_for(10) == 4
    assert workers.workers_for(3) == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # unknown
    assert workers.workers_for(10) == 1


def test_on_a_gpu_one_process_trains_unless_gen_workers_says(monkeypatch):
    monkeypatch.delenv("GEN_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    monkeypatch.setattr(workers, "on_gpu", lambda device: device == "cuda")
    assert workers.workers_for(10, "cuda") == 1
    assert workers.workers_for(10, "cpu") == 10
    monkeypatch.setenv("GEN_WORKERS", "4")
    assert workers.workers_for(10, "cuda") == 4


def test_the_device_setting_says_whether_the_build_is_on_a_gpu():
    import torch

    assert not workers.on_gpu("cpu")
    assert workers.on_gpu("auto") == torch.cuda.is_available()


def test_on_a_gpu_the_runs_train_here_one_after_another(monkeypatch):
    monkeypatch.delenv("GEN_WORKERS", raising=False)
    monkeypatch.setattr(workers, "on_gpu", lambda device: True)
    monkeypatch.setattr(workers, "side_by_side", _never)
    trained = []
    assert workers.train(trained.append, ["vae", "ae"], device="cuda") == {}
    assert sorted(trained) == ["ae", "vae"]


def _never(*args, **kwargs):
    raise AssertionError("no workers on a GPU")


# -- order and train, with one worker ----------------------------------


def test_the_judge_trains_first_then_the_costliest_then_by_name():
    names = ["toy_ring_ns", "vae", "ae", "classifier", "wgan_grid", "ae2d"]
    assert workers.order(names) == [
        "classifier",  # cost 3, but the others wait for it
        "wgan_grid",  # 11
        "vae",  # 3
        "ae",  # 1, then by name
        "ae2d",
        "toy_ring_ns",
    ]
    assert workers.order([]) == []


def test_one_worker_trains_here_judge_first_then_the_costliest(monkeypatch):
    """The classifier first, then by cost (wgan_grid 11, vae 3), then by
    name; each named in the line a signal would print."""
    monkeypatch.setenv("GEN_WORKERS", "1")
    lines: list[str] = []

    def task(name):
        lines.append(stopping.line(signal.SIGINT))

    names = ["toy_ring_ns", "vae", "ae", "classifier", "wgan_grid"]
    assert workers.train(task, names) == {}
    order = ["classifier", "wgan_grid", "vae", "ae", "toy_ring_ns"]
    assert lines == [
        f"interrupted (SIGINT) while training run {name}: "
        "stopped, nothing half-made was kept"
        for name in order
    ]


def test_a_failed_run_is_reported_and_the_others_still_train(monkeypatch):
    """The error comes back by run, and done() hears of each run as it
    ends, with its error or None."""
    monkeypatch.setenv("GEN_WORKERS", "1")
    done: list = []
    broken = ValueError("diverged")

    def task(name):
        if name == "vae":
            raise broken

    failed = workers.train(
        task, ["vae", "ae", "cvae"], lambda *ended: done.append(ended)
    )
    assert failed == {"vae": broken}
    assert done == [("vae", broken), ("ae", None), ("cvae", None)]


def test_ctrl_c_in_a_run_stops_the_rest(monkeypatch):
    """An interrupt is no failure of one run: it stops the training."""
    monkeypatch.setenv("GEN_WORKERS", "1")
    done: list[str] = []

    def task(name):
        done.append(name)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        workers.train(task, ["vae", "ae"])
    assert done == ["vae"]


# -- spawned workers ----------------------------------------------------


def test_a_spawned_worker_is_set_up_before_its_first_task():
    """Threads as asked (torch and OMP_NUM_THREADS), this process as its
    parent, and Ctrl-C left to the parent."""
    with workers.pool(1, threads=2) as executor:
        probes = {
            "omp": executor.submit(os.getenv, "OMP_NUM_THREADS"),
            "torch": executor.submit(torch.get_num_threads),
            "parent": executor.submit(os.getppid),
            "sigint": executor.submit(signal.getsignal, signal.SIGINT),
        }
        got = {name: f.result(timeout=60) for name, f in probes.items()}
    assert got == {
        "omp": "2",
        "torch": 2,
        "parent": os.getpid(),
        "sigint": signal.SIG_IGN,
    }


def test_side_by_side_returns_the_items_that_failed(monkeypatch, caplog):
    """int() on each item, in two workers: the one that is no number
    fails, with its error; done() hears of each; the log line says how
    the work is split."""
    monkeypatch.setenv("GEN_WORKERS", "2")
    done: list = []
    with caplog.at_level(logging.INFO, logger="gen_src.pipeline"):
        failed = workers.side_by_side(
            int, ["1", "x", "3"], "things", lambda *e: done.append(e)
        )
    assert list(failed) == ["x"]
    assert isinstance(failed["x"], ValueError)
    assert len(done) == 3
    assert dict(done) == {"1": None, "3": None, "x": failed["x"]}
    assert "invalid literal" in str(failed["x"])
    threads = max(1, (os.cpu_count() or 1) // 2)
    assert (
        f"3 things side by side: 2 workers, {threads} thread(s) each"
        in caplog.text
    )


def test_an_error_in_the_pool_kills_its_workers_at_once():
    """A worker busy for a minute is gone within seconds once the code
    using the pool raises (as Ctrl-C does)."""
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="stop"):
        with workers.pool(1) as executor:
            assert executor.submit(os.getpid).result(timeout=60)
            executor.submit(time.sleep, 60)
            processes = list(executor._processes.values())
            raise RuntimeError("stop")
    assert processes and not any(p.is_alive() for p in processes)
    assert time.monotonic() - started < 30
