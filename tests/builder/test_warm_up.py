"""The background's progress: each run's state and when it should end."""

from __future__ import annotations

import json
import time

import pytest

from gen_src.builder import registry, warm_up


class Pipe:
    """What Progress reads of a pipeline: the profile and the keys."""

    class settings:
        profile = "smoke"

    def located_key(self, run: str) -> str:
        return f"smoke:{run}-key"


def progress(tmp_path, runs, slots=2) -> warm_up.Progress:
    return warm_up.Progress(tmp_path / "progress.json", Pipe(), runs, slots)


def test_the_first_runs_of_the_queue_train_the_rest_wait(tmp_path):
    p = progress(tmp_path, ["ae2d", "classifier", "wgan_grid", "vae"])
    assert p.queue[:2] == ["classifier", "wgan_grid"]  # judge, costliest
    assert [p.state[r] for r in p.queue] == [
        "training",
        "training",
        "queued",
        "queued",
    ]


def test_each_run_should_end_after_its_cost_in_the_slot_it_gets(tmp_path):
    p = progress(tmp_path, ["classifier", "wgan_grid", "vae", "ae2d"])
    p.unit = 10.0
    now = time.time()
    ends = p.finishes()
    cost = registry.runs()
    # the judge frees its slot first; vae takes it, then ae2d the next
    judge_end = now + cost["classifier"].cost * 10
    assert ends["classifier"] == pytest.approx(judge_end, abs=2)
    assert ends["vae"] == pytest.approx(
        judge_end + cost["vae"].cost * 10, abs=2
    )
    assert ends["ae2d"] >= min(ends["vae"], ends["wgan_grid"])
    assert all(ends[r] > now for r in p.queue)


def test_a_run_done_hands_its_slot_on_and_measures_the_unit(tmp_path):
    p = progress(tmp_path, ["classifier", "wgan_grid", "vae"])
    p.started["classifier"] = time.time() - 6.0  # cost 3: 2 s a unit
    p.done("classifier", None)
    assert p.state["classifier"] == "done" and p.state["vae"] == "training"
    assert p.unit == pytest.approx(2.0, rel=0.05)
    written = json.loads((tmp_path / "progress.json").read_text())
    assert written["runs"]["classifier"]["state"] == "done"
    assert written["runs"]["vae"]["key"] == "smoke:vae-key"
    assert written["runs"]["vae"]["ends"] > time.time()


def test_a_failed_run_is_written_with_its_error(tmp_path):
    p = progress(tmp_path, ["classifier", "vae"])
    p.done("vae", ValueError("no dataset"))
    found = warm_up.read(tmp_path / "progress.json")
    assert found["runs"]["vae"] == {
        "key": "smoke:vae-key",
        "state": "failed",
        "ends": None,
        "error": "ValueError: no dataset",
    }


def test_every_run_done_is_written_at_once(tmp_path):
    p = progress(tmp_path, ["classifier", "wgan_grid", "vae"])
    path = tmp_path / "progress.json"
    for run in ("classifier", "vae"):
        p.done(run, None)
        assert warm_up.read(path)["runs"][run]["state"] == "done"


def test_a_missing_or_damaged_file_reads_as_none(tmp_path):
    assert warm_up.read(tmp_path / "none.json") is None
    (tmp_path / "bad.json").write_text('{"stage": ')
    assert warm_up.read(tmp_path / "bad.json") is None
    (tmp_path / "list.json").write_text("[1]")
    assert warm_up.read(tmp_path / "list.json") is None


def test_without_the_dataset_the_toy_runs_still_train(tmp_path, monkeypatch):
    """The runs on images cannot even be keyed: they are set apart with
    the error that says how to get the data, and the rest train."""
    from gen_src import dataset_files, runtime
    from gen_src.builder import pipeline

    monkeypatch.setenv("GEN_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setattr(dataset_files, "DEBIAN_DIR", tmp_path / "no-debian")
    monkeypatch.setattr(runtime, "home", lambda: tmp_path)
    monkeypatch.setattr(dataset_files, "_download", lambda name, root: False)
    monkeypatch.setattr(dataset_files, "_download_failed", set())
    settings = pipeline.Settings.resolve("smoke", "cpu", tmp_path / "cache")
    lacking, broken = warm_up.lacking_runs(pipeline.Pipeline(settings))
    assert "toy_ring_ns" in lacking and "vae" not in lacking
    assert "vae" in broken and "classifier" not in lacking
    assert isinstance(broken["vae"], dataset_files.DatasetError)
    assert "make data" in str(broken["vae"])
