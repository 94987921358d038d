"""Publishing past one machine (gen_src/builder/shards.py): the runs in
shards balanced by cost, every run in exactly one; caches merged, the
same run kept once, different runs under one key refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from subprocess_env import clean_environment

from gen_src.builder import cache as cache_mod
from gen_src.builder import registry, shards, workers

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text, says",
    [("x", "not i/N"), ("3/2", "shard 3 of 2"), ("0/2", "shard 0 of 2")],
)
def test_a_bad_shard_is_refused_in_one_line(text, says):
    with pytest.raises(shards.ShardError, match=says) as err:
        shards.parse(text)
    assert f"--shard {text}" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_every_run_is_in_one_shard_and_the_shards_are_balanced(profile):
    runs = shards.runs_of_figures()
    costs = {r: s.cost_under(profile) for r, s in registry.runs().items()}
    for n in (1, 2, 3, 5):
        parts = shards.assign(runs, n, (), profile)
        assert sorted(r for part in parts for r in part) == sorted(runs)
        loads = [sum(costs[r] for r in part) for part in parts]
        assert max(loads) - min(loads) <= max(costs.values())
        again = shards.assign(list(reversed(runs)), n, (), profile)
        assert parts == again  # fixed


def test_under_full_the_two_longest_image_runs_train_apart():
    """Their full cost, not their quick one: in one shard, side by side,
    they made it the slowest job by far (27 min against 7)."""
    parts = shards.assign(shards.runs_of_figures(), 3, (), "full")
    (home,) = [part for part in parts if "dcgan" in part]
    assert "wgan_fmnist" not in home
    specs = registry.runs()
    assert specs["dcgan"].cost_under("full") > specs["dcgan"].cost
    assert specs["toy_ring_ns"].cost_under("full") == 1.0


def test_the_judge_trains_in_the_shard_of_every_run_that_needs_it():
    from gen_src.builder import pipeline

    pipe = pipeline.Pipeline(pipeline.Settings(profile="smoke"))
    runs = shards.runs_of_figures()
    together = shards.with_judge(pipe, runs)
    assert {"classifier", "vae", "dcgan"} <= together
    assert "toy_ring_ns" not in together  # scored by its modes, no judge
    parts = shards.assign(runs, 3, together)
    (home,) = [part for part in parts if "classifier" in part]
    assert together <= set(home)


@pytest.mark.parametrize("raw", ["0", "abc", "-1"])
def test_a_bad_worker_count_is_refused_naming_the_setting(raw, monkeypatch):
    monkeypatch.setenv("GEN_WORKERS", raw)
    with pytest.raises(ValueError, match="GEN_WORKERS=.*at least 1"):
        workers.workers_for(4)


def fake_run(root: Path, name: str, weights: bytes, seconds: float):
    entry = root / "runs" / name
    record = {"run": name, "seconds": seconds, "date": "2026-12-05"}
    cache_mod.Cache(root).write_entry(
        entry,
        lambda tmp: [
            (tmp / "weights.safetensors").write_bytes(weights),
            (tmp / "record.json").write_text(json.dumps(record)),
        ],
    )


def test_merge_keeps_one_copy_of_a_run_and_refuses_two_different(tmp_path):
    a, b, into = tmp_path / "a", tmp_path / "b", tmp_path / "into"
    fake_run(a, "judge-smoke-k1", b"w", 3.0)
    fake_run(b, "judge-smoke-k1", b"w", 4.5)  # the same run, timed again
    fake_run(b, "vae-smoke-k2", b"v", 1.0)
    counts = shards.merge([a, b], into)
    assert counts == {"copied": 2, "same": 1}
    target = cache_mod.Cache(into)
    for name in ("judge-smoke-k1", "vae-smoke-k2"):
        target.check_entry(into / "runs" / name)
    fake_run(tmp_path / "c", "vae-smoke-k2", b"other", 1.0)
    with pytest.raises(shards.ShardError, match="key vae-smoke-k2"):
        shards.merge([tmp_path / "c"], into)


def gen_src(*args: str, env: dict) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "gen_src", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-2000:]


def test_shards_as_the_workflow_runs_them_hold_one_cold_builds_runs(tmp_path):
    """The judge, then two shards from it, each copying its runs out, then
    a merge: every run the figures need, with the same keys and the same
    bytes (weights, tensors) as one cold training of them all; only the
    records' timings differ. (Bytes match on the same thread count: one
    thread each here, as when runs train side by side on 2 cores.)"""
    env = clean_environment(
        PYTHONPATH=str(ROOT),
        GEN_PROFILE="smoke",
        GEN_DEVICE="cpu",
        OMP_NUM_THREADS="1",
        GEN_WORKERS="2",
    )
    judge = tmp_path / "judge"
    gen_src(
        "figures",
        "--shard",
        "judge",
        "--cache-dir",
        str(tmp_path / "j"),
        "--out",
        str(judge),
        env=env,
    )
    outs = []
    for i in (1, 2):
        outs.append(tmp_path / f"out{i}")
        gen_src(
            "figures",
            "--shard",
            f"{i}/2",
            "--from",
            str(judge),
            "--cache-dir",
            str(tmp_path / f"c{i}"),
            "--out",
            str(outs[-1]),
            env=env,
        )
    merged, whole = tmp_path / "merged", tmp_path / "whole"
    gen_src("merge", *map(str, outs), "--into", str(merged), env=env)
    gen_src("figures", "--shard", "1/1", "--cache-dir", str(whole), env=env)
    from gen_src.builder import pipeline

    pipe = pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=merged)
    )
    missing = [r for r in shards.runs_of_figures() if not pipe.cached(r)]
    assert not missing, missing
    names = sorted(p.name for p in (whole / "runs").iterdir())
    assert sorted(p.name for p in (merged / "runs").iterdir()) == names
    for name in names:
        sums = [
            json.loads((c / "runs" / name / "checksums.json").read_text())
            for c in (merged, whole)
        ]
        for s in sums:
            s.pop("record.json")
        assert sums[0] == sums[1], name
