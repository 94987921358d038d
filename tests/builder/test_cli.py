"""`python -m gen_src`: data, figures and the quality benchmark."""

from __future__ import annotations

import json

import pytest

from gen_src.builder import bench, registry
from gen_src.builder.cli import main


def test_data_command(capsys):
    assert main(["data"]) == 0
    assert "Fashion-MNIST ready" in capsys.readouterr().out


def test_figures_command_prints_each_figure(tmp_path, capsys):
    args = [
        "figures",
        "--profile",
        "smoke",
        "--cache-dir",
        str(tmp_path),
        "--only",
        "gan_ring_training",
    ]
    assert main(args) == 0
    assert main(args) == 0  # the second time from the cache
    out = capsys.readouterr().out
    assert "gan_ring_training" in out and "drawn" in out and "cached" in out


def test_figures_command_rejects_unknown_names(capsys):
    assert main(["figures", "--only", "no_such_figure"]) == 2
    assert "unknown figure 'no_such_figure'" in capsys.readouterr().err


def test_quality_benchmark_prints_and_writes_json(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(bench, "out_dir", lambda: tmp_path)
    rows = bench.quality("smoke")
    assert set(rows) == set(registry.runs())
    written = json.loads((tmp_path / "quality-smoke.json").read_text())
    assert written["runs"]["vae"]["metrics"]["test_nelbo"] > 0
    assert written["profile"] == "smoke" and written["wall_seconds"] >= 0
    assert "toy_ring_ns" in capsys.readouterr().out
    # a warm rerun keeps the last cold timing instead of writing 0 s
    cold = {**written, "trained": ["vae"], "wall_seconds": 12.3}
    (tmp_path / "quality-smoke.json").write_text(json.dumps(cold))
    bench.quality("smoke")
    again = json.loads((tmp_path / "quality-smoke.json").read_text())
    assert again["trained"] == ["vae"] and again["wall_seconds"] == 12.3
    assert "the last cold part stays on record" in capsys.readouterr().out


def test_quality_fresh_trains_in_an_empty_cache_despite_env(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("GEN_CACHE_DIR", str(tmp_path / "kept"))
    seen = []

    def train(settings, names):
        seen.append((settings.cache_dir, names))
        raise KeyboardInterrupt  # stop before anything trains

    monkeypatch.setattr(bench.pipeline, "train_side_by_side", train)
    with pytest.raises(KeyboardInterrupt):
        bench.quality("smoke", fresh=True)
    (cache_dir, names) = seen[0]
    assert cache_dir != tmp_path / "kept"
    assert set(names) == set(registry.runs())  # nothing was cached there
