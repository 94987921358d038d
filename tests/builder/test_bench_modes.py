"""python -m gen_src bench modes: every method, every toy dataset, seeds."""

from __future__ import annotations

import json

import pytest

from gen_src.builder import bench_modes


def test_every_method_trains_with_its_familys_preset():
    for method in bench_modes.METHODS:
        config = bench_modes.method_config(method, "grid", "quick", seed=3)
        assert config.dataset == "grid" and config.seed == 3
    assert bench_modes.method_config("wgan-gp", "ring", "quick").loss == (
        "wasserstein"
    )
    assert bench_modes.method_config("pacgan4", "ring", "quick").pack == 4


@pytest.mark.parametrize(
    "kwargs, named",
    [
        ({"methods": ["vanilla"]}, "method"),
        ({"profile": "fast"}, "profile"),
        ({"datasets": ("spiral",)}, "dataset"),
    ],
)
def test_bad_input_is_named_before_anything_trains(kwargs, named, tmp_path):
    with pytest.raises(ValueError, match=named):
        bench_modes.modes(**{"seeds": 1, **kwargs})


def test_a_smoke_benchmark_writes_its_json(tmp_path, monkeypatch):
    from gen_src.builder import bench

    monkeypatch.setattr(bench, "out_dir", lambda: tmp_path)
    rows = bench_modes.modes(
        "smoke", seeds=2, workers=2, methods=["nonsaturating", "pacgan2"]
    )
    written = json.loads((tmp_path / "modes-smoke.json").read_text())
    assert written["rows"] == json.loads(json.dumps(rows))
    assert [(r["method"], r["dataset"]) for r in rows] == [
        ("nonsaturating", "ring"),
        ("nonsaturating", "grid"),
        ("pacgan2", "ring"),
        ("pacgan2", "grid"),
    ]
    for row in rows:
        assert row["seeds"] == [0, 1]
        assert 0 <= row["modes"]["mean"] <= row["num_modes"]
        values = [r["modes"] for r in row["runs"]]
        assert row["modes"]["mean"] == pytest.approx(sum(values) / 2)
    # rerunning one method keeps the others' rows, in the methods' order
    bench_modes.modes("smoke", seeds=2, workers=2, methods=["minimax"])
    written = json.loads((tmp_path / "modes-smoke.json").read_text())
    assert [r["method"] for r in written["rows"]] == [
        "minimax",
        "minimax",
        "nonsaturating",
        "nonsaturating",
        "pacgan2",
        "pacgan2",
    ]
    assert written["rows"][2:] == json.loads(json.dumps(rows))
    # rerunning one dataset of a method keeps that method's other rows
    before = {(r["method"], r["dataset"]): r for r in written["rows"]}
    bench_modes.modes(
        "smoke", seeds=2, workers=2, methods=["pacgan2"], datasets=("ring",)
    )
    after = json.loads((tmp_path / "modes-smoke.json").read_text())["rows"]
    assert [(r["method"], r["dataset"]) for r in after] == list(before)
    kept = {(r["method"], r["dataset"]): r for r in after}
    assert kept["pacgan2", "grid"] == before["pacgan2", "grid"]
    assert kept["pacgan2", "ring"]["runs"] != before["pacgan2", "ring"]["runs"]


def test_a_benchmark_says_whether_its_code_was_committed(
    tmp_path, monkeypatch, capsys
):
    import subprocess

    from gen_src import runtime
    from gen_src.builder import bench

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True)

    git("init", "-q")
    (tmp_path / "gen_src").mkdir()
    (tmp_path / "gen_src" / "gan.py").write_text("x = 1\n")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c")
    monkeypatch.setattr(runtime, "home", lambda: tmp_path)
    assert bench.code_committed() is True
    (tmp_path / "gen_src" / "gan.py").write_text("x = 2\n")
    assert bench.code_committed() is False
    assert "uncommitted changes" in capsys.readouterr().out


def test_each_method_is_named_back_by_its_config():
    for method in bench_modes.METHODS:
        config = bench_modes.method_config(method, "ring", "smoke")
        assert config.method == method


def test_the_benchmark_module_imports_no_torch():
    import subprocess
    import sys

    code = (
        "import sys, gen_src.builder.bench_modes; "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert out.stdout.strip() == "False", out.stderr


def test_a_methods_seeds_form_one_stack_except_wgan_gps():
    jobs = bench_modes.jobs_for(
        ["nonsaturating", "wgan-gp"], ("ring",), "smoke", 3, alone=False
    )
    assert jobs == [
        ("nonsaturating", "ring", "smoke", (0, 1, 2), False, "modes"),
        ("wgan-gp", "ring", "smoke", (0,), True, "modes"),
        ("wgan-gp", "ring", "smoke", (1,), True, "modes"),
        ("wgan-gp", "ring", "smoke", (2,), True, "modes"),
    ]
    alone = bench_modes.jobs_for(["pacgan2"], ("grid",), "smoke", 2, True)
    assert alone == [
        ("pacgan2", "grid", "smoke", (0,), True, "modes"),
        ("pacgan2", "grid", "smoke", (1,), True, "modes"),
    ]


def test_a_stacked_job_scores_each_seed_as_the_same_runs_alone():
    stacked = bench_modes.train_one(
        ("minimax", "ring", "smoke", (0, 1), False, "modes")
    )
    alone = [
        bench_modes.train_one(
            ("minimax", "ring", "smoke", (s,), True, "modes")
        )[0]
        for s in (0, 1)
    ]
    assert [r["seed"] for r in stacked] == [0, 1]
    assert [r["stacked"] for r in stacked] == [2, 2]
    assert alone[0]["stacked"] == 1
    # 60 rounds of a GAN amplify rounding (tests/test_stacking.py holds
    # the runs themselves close): the scores stay near, not equal
    for s, a in zip(stacked, alone):
        assert abs(s["modes"] - a["modes"]) <= 1
        assert s["high_quality"] == pytest.approx(a["high_quality"], abs=0.1)


def test_on_a_gpu_the_jobs_train_here_one_after_another(monkeypatch):
    import torch

    from gen_src.builder import workers

    def no_pool(*args):
        raise AssertionError("no workers on a GPU: one process owns it")

    monkeypatch.setattr(workers, "pool", no_pool)
    monkeypatch.setattr(bench_modes, "train_one", lambda job: [job])
    jobs = [("a",), ("b",), ("c",)]
    trained = list(bench_modes._trained(jobs, torch.device("cuda"), 4))
    assert trained == [[("a",)], [("b",)], [("c",)]]


@pytest.mark.parametrize("profile", ["quick", "full"])
@pytest.mark.parametrize("method", sorted(bench_modes.SAMPLING))
def test_each_denoising_method_is_scored_with_its_best_sampler(
    profile, method
):
    """SAMPLING holds, for the seeds the settings were chosen on (0-4),
    the sampler and steps (at most 100) whose mean high-quality share
    over both data sets is the highest in the runs' sweeps."""
    from gen_src.builder import bench

    path = bench.out_dir() / f"modes-{profile}.json"
    rows = [
        r
        for r in json.loads(path.read_text())["rows"]
        if r["method"] == method
    ]
    assert {r["dataset"] for r in rows} == set(bench_modes.DATASETS)
    shares: dict = {}
    for row in rows:
        assert row["seeds"] == [0, 1, 2, 3, 4]
        for run in row["runs"]:
            for sampler, by_steps in run["sweep"].items():
                for steps, (_, high_quality) in by_steps.items():
                    key = (sampler, int(steps))
                    shares.setdefault(key, []).append(high_quality)
    mean = {k: sum(v) / len(v) for k, v in shares.items() if k[1] <= 100}
    assert max(mean, key=mean.get) == bench_modes.SAMPLING[method][profile]
