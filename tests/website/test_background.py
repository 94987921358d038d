"""Under serve, the runs the site lacks train in a process of their own:
their figures are boxes until then, and come from the cache after."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import time
from pathlib import Path

import pytest
import torch

from gen_src.builder import pipeline, registry, warm_up
from gen_src.website import background

SHARED = Path(__file__).resolve().parents[2] / ".cache" / "gen_src"
LACKING = ("ae2d", "vae2d")  # these train in the background here


@pytest.fixture(scope="module")
def shared() -> Path:
    """The suite's shared smoke cache with every run (the other tests
    that build use it too)."""
    settings = pipeline.Settings.resolve("smoke", "cpu", SHARED)
    pipeline.Pipeline(settings).train_missing(sorted(registry.figures()))
    return SHARED


@pytest.fixture
def pipe(shared, tmp_path, monkeypatch):
    """A smoke pipeline over a cache that lacks LACKING alone."""
    cache = tmp_path / "cache"
    shutil.copytree(shared / "runs", cache / "runs")
    for entry in (cache / "runs").glob("*"):
        if entry.name.split("-")[0] in LACKING:
            shutil.rmtree(entry)
    monkeypatch.setenv("GEN_WORKERS", "1")
    settings = pipeline.Settings.resolve("smoke", "cpu", cache)
    return pipeline.Pipeline(settings)


def test_a_box_says_which_run_trains_and_how_long_it_should_take():
    soon = background.StillTraining("vae2d", "quick", time.time() + 42)
    box = soon.box("en")
    assert "still-training" in box and "<code>vae2d</code>" in box
    assert re.search(r"quick profile\): about 4[12] s left", box)
    later = background.StillTraining("vae", "full", time.time() + 600)
    assert "还需约 10 分钟。" in later.box("zh")
    unknown = background.StillTraining("vae", "smoke", None)
    assert "还需片刻。" in unknown.box("zh")
    late = background.StillTraining("vae", "smoke", time.time() - 30)
    assert ": a moment left." in late.box("en")  # the estimate has passed
    waiting = background.StillTraining("notebooks", "quick", None, "notebook")
    assert "This notebook runs after the training" in waiting.box("en")
    running = background.StillTraining("x", "quick", None, "notebook_running")
    assert "后台正在运行这个笔记本" in running.box("zh")


def test_a_figure_waits_for_its_failed_run_first_then_its_last_run():
    now = time.time()
    first = background.StillTraining("ae2d", "smoke", now + 10)
    last = background.StillTraining("vae2d", "smoke", now + 50)
    broken = RuntimeError("training vae: no dataset")
    assert background.why_not_yet([first, last]) is last
    assert background.why_not_yet([first, broken, last]) is broken
    unknown = background.StillTraining("vae", "smoke", None)
    assert background.why_not_yet([last, unknown]) is unknown


def test_lacking_runs_train_apart_and_their_figures_come_after(pipe):
    bg = background.Background()
    try:
        waiting = bg.lacking(pipe, "", notebooks=False)
        assert set(LACKING) <= set(waiting)
        assert all(
            isinstance(w, background.StillTraining) for w in waiting.values()
        )
        assert bg.process.poll() is None  # the serve goes on meanwhile
        assert bg.process.wait(300) == 0
        assert bg.lacking(pipe, "", notebooks=False) == {}
        # the background drew the figures its runs completed
        figure = pipe.figure("latent_ae_vs_vae")
        assert not figure.trained
        progress = pipe.settings.cache_dir / "serve" / "progress.json"
        assert '"stage": "done"' in progress.read_text()
    finally:
        bg.stop()


def test_an_edit_that_changes_a_key_starts_the_training_again(pipe):
    bg = background.Background()
    try:
        bg.lacking(pipe, "", notebooks=False)
        first = bg.process
        bg.started_for = frozenset({("ae2d", "smoke:an-older-key")})
        bg.lacking(pipe, "", notebooks=False)
        assert bg.process is not first
        assert first.poll() is not None  # the old training was stopped
        same = bg.process
        bg.lacking(pipe, "", notebooks=False)
        assert bg.process is same  # the same keys: it goes on
    finally:
        bg.stop()
    assert bg.process.poll() is not None


def test_a_run_that_failed_in_the_background_says_why(pipe):
    bg = background.Background()
    try:
        bg.lacking(pipe, "", notebooks=False)
        assert bg.process.wait(300) == 0
        entry = pipe.run_entry("vae2d")
        shutil.rmtree(entry)  # as if it had failed: not in the cache
        path = pipe.settings.cache_dir / "serve" / "progress.json"
        progress = warm_up.read(path)
        progress["runs"]["vae2d"].update(
            state="failed", error="ValueError: bad on purpose"
        )
        path.write_text(json.dumps(progress))
        waiting = bg.lacking(pipe, "", notebooks=False)
    finally:
        bg.stop()
    assert list(waiting) == ["vae2d"]  # the same key: not trained again
    assert (
        str(waiting["vae2d"]) == "training vae2d: ValueError: bad on purpose"
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs no GPU")
def test_a_background_that_cannot_start_says_where_its_error_is(pipe):
    settings = dataclasses.replace(pipe.settings, device="cuda")
    bg = background.Background()
    no_gpu = pipeline.Pipeline(settings)
    try:
        bg.lacking(no_gpu, "", notebooks=False)
        assert bg.process.wait(60) != 0
        waiting = bg.lacking(no_gpu, "", notebooks=False)
    finally:
        bg.stop()
    assert set(LACKING) <= set(waiting)
    assert "the training in the background ended (exit status" in str(
        waiting["ae2d"]
    )
    assert "its error is in the terminal" in str(waiting["ae2d"])
