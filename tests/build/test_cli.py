"""`python -m gen_src`: data, figures and the quality benchmark."""

from __future__ import annotations

import json

from gen_src.build import bench, registry
from gen_src.build.cli import main


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
