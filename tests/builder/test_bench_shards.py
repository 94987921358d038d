"""python -m gen_src bench shards: the publishing workflow's jobs, each in
a cache of its own, timed (the commands are recorded here, not run: the
real benchmark trains the full profile)."""

from __future__ import annotations

import json
import subprocess

import pytest

from gen_src import runtime
from gen_src.builder import bench_shards, cli


@pytest.fixture
def recorded(monkeypatch, tmp_path):
    calls = []

    def run(command, env):
        calls.append((command, env))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(bench_shards.subprocess, "run", run)
    monkeypatch.setattr(runtime, "home", lambda: tmp_path)
    return calls


def test_the_jobs_run_as_the_workflow_runs_them(recorded, tmp_path):
    result = bench_shards.shards("full", 2)
    words = [" ".join(c[0][1:]) for c in recorded]
    assert "-m gen_src figures --shard judge --out" in words[0]
    for i, text in ((1, words[1]), (2, words[2])):
        assert f"figures --shard {i}/2 --from" in text
    assert words[3].startswith("-m gen_src merge")
    assert words[4].startswith("-m mkdocs build --strict")
    assert recorded[4][1]["GEN_OFFLINE"] == "true"
    assert words[5].startswith("-m gen_src zip")
    assert words[6].startswith("-m mkdocs build --strict")
    assert "GEN_OFFLINE" not in recorded[6][1] or (
        recorded[6][1]["GEN_OFFLINE"] != "true"
    )
    caches = {env["GEN_CACHE_DIR"] for _, env in recorded[:4]}
    assert len(caches) == 4  # judge, two shards, the build: each its own
    assert all(env["GEN_PROFILE"] == "full" for _, env in recorded)
    assert [j["job"] for j in result["jobs"]] == [
        "judge",
        "shard 1/2",
        "shard 2/2",
        "build",
    ]
    written = json.loads((tmp_path / "bench" / "shards-full.json").read_text())
    assert written["longest"] == result["longest"]


def test_a_job_that_fails_is_named_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(
        bench_shards.subprocess,
        "run",
        lambda command, env: subprocess.CompletedProcess(command, 3),
    )
    assert cli.main(["bench", "shards", "--profile", "smoke"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "error: job judge failed (exit status 3): its error is above; "
        "fix it, then run the benchmark again"
    )


def test_a_shard_count_below_one_is_refused(capsys):
    assert cli.main(["bench", "shards", "--shards", "0"]) == 2
    assert "shards" in capsys.readouterr().err
