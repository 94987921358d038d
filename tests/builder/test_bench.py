"""The benchmarks' reporting (gen_src/builder/bench.py): the JSON under
bench/, the quality table against the quick profile's numbers, failed
runs, and the build timing's medians and ratios. Nothing here trains a
model or builds the site: where those would run, the test says what
they give."""

from __future__ import annotations

import json

import pytest

from gen_src.builder import bench, registry, strings


@pytest.fixture
def out(tmp_path, monkeypatch):
    """bench/ in a temporary folder, not yet made."""
    folder = tmp_path / "bench"
    monkeypatch.setattr(bench, "out_dir", lambda: folder)
    return folder


def test_write_makes_the_folder_and_replaces_the_json(out):
    """UTF-8 as written (no \\u escapes), nothing left half-written, a
    second write replaces the first; _read gives it back, or {}."""
    assert bench._read("quality-smoke") == {}
    path = bench._write("quality-smoke", {"metric": "Fréchet 距离"})
    assert path == out / "quality-smoke.json"
    assert "Fréchet 距离" in path.read_text(encoding="utf-8")
    bench._write("quality-smoke", {"runs": {}})
    assert bench._read("quality-smoke") == {"runs": {}}
    assert [p.name for p in out.iterdir()] == ["quality-smoke.json"]


@pytest.mark.parametrize(
    "value, shown",
    [
        (0.123456, "0.1235"),
        (1234567.0, "1.235e+06"),
        (2.0, "2"),
        (8, "8"),
        (None, "None"),
    ],
)
def test_fmt_gives_floats_four_significant_digits(value, shown):
    assert bench._fmt(value) == shown


def test_shown_keeps_labelled_metrics_and_the_mode_counts():
    labelled = strings.shown_metrics()
    assert "test_nelbo" in labelled and "iwae_elbo" not in labelled
    metrics = {
        "test_nelbo": 250.0,
        "num_modes": 8,
        "largest_mode_share": 0.5,
        "iwae_elbo": -240.0,
        "steps": 100,
    }
    assert bench._shown(metrics) == {
        "test_nelbo": 250.0,
        "num_modes": 8,
        "largest_mode_share": 0.5,
    }


ROWS = {
    "vae": {
        "profile": "full",
        "seconds": 120.04,
        "metrics": {"test_nelbo": 250.0, "steps": 9},
    },
    "toy_ring_ns": {
        "profile": "full",
        "seconds": 30.0,
        "metrics": {"modes": 8.0, "num_modes": 8},
    },
}


def table(capsys) -> list[list[str]]:
    return [line.split() for line in capsys.readouterr().out.splitlines()]


def test_the_table_without_quick_numbers(capsys):
    """One line per run (seconds to a tenth, shown metrics only) and the
    total."""
    bench._print_table(ROWS, {})
    assert table(capsys) == [
        ["run", "profile", "seconds", "metrics"],
        ["vae", "full", "120.0", "test_nelbo=250"],
        ["toy_ring_ns", "full", "30.0", "modes=8,", "num_modes=8"],
        ["total", "150.0"],
    ]


def test_the_table_shows_the_quick_run_before_an_arrow(capsys):
    """A changed metric as quick->this; an unchanged one once; a run the
    quick numbers lack has nan seconds there."""
    quick = {
        "vae": {
            "seconds": 10.0,
            "metrics": {"test_nelbo": 300.0},
        }
    }
    bench._print_table(ROWS, quick)
    lines = table(capsys)
    assert lines[0] == ["run", "profile", "seconds", "quick", "s", "metrics"]
    assert lines[1] == ["vae", "full", "120.0", "10.0", "test_nelbo=300->250"]
    assert lines[2] == [
        "toy_ring_ns",
        "full",
        "30.0",
        "nan",
        "modes=8,",
        "num_modes=8",
    ]
    same = {"vae": {"seconds": 10.0, "metrics": {"test_nelbo": 250.0}}}
    bench._print_table({"vae": ROWS["vae"]}, same)
    assert table(capsys)[1][-1] == "test_nelbo=250"


def test_failed_runs_are_reported_and_the_rest_written(
    out, monkeypatch, capsys
):
    """GEN_PROFILE wins over --profile, with a note; every run of an
    empty cache is trained, those that fail are named on stderr and left
    out of the JSON, which keeps what was trained."""
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    names = list(registry.runs())

    def train(settings, lacking):
        assert settings.profile == "smoke"
        return {name: "boom" for name in lacking}

    monkeypatch.setattr(bench.pipeline, "train_side_by_side", train)
    assert bench.quality("quick", fresh=True) == {}
    captured = capsys.readouterr()
    assert "note: GEN_PROFILE=smoke overrides --profile" in captured.err
    for name in names:
        assert f"error: run {name!r} failed: boom" in captured.err
    assert f"cold: {len(names)} runs trained in " in captured.out
    written = json.loads((out / "quality-smoke.json").read_text())
    assert written["profile"] == "smoke" and written["runs"] == {}
    assert written["trained"] == names and written["wall_seconds"] >= 0
    assert not (out / "quality-quick.json").exists()


def test_build_reports_medians_and_ratios_to_the_build_without_figures(
    out, monkeypatch, capsys
):
    """mkdocs is not run here: each variant's builds take the times
    below, after one build that warms the cache and is not counted."""
    times = {
        "off": iter([2.0, 4.0, 3.0]),
        "figures": iter([3.3, 3.0, 3.6]),
        "warm": iter([6.0, 9.0, 7.5]),
    }
    calls = []

    def time_build(env):
        calls.append(env)
        if not calls[1:]:
            return 99.0  # the warming build
        name = next(n for n, e in bench.VARIANTS.items() if e == env)
        return next(times[name])

    monkeypatch.setattr(bench, "_time_build", time_build)
    result = bench.build(repeat=3)
    assert calls[0] == {} and len(calls) == 1 + 3 * len(bench.VARIANTS)
    assert result["seconds"] == {
        "off": [2.0, 4.0, 3.0],
        "figures": [3.3, 3.0, 3.6],
        "warm": [6.0, 9.0, 7.5],
    }
    assert result["median"] == {"off": 3.0, "figures": 3.3, "warm": 7.5}
    assert result["ratio"] == pytest.approx(
        {"off": 1.0, "figures": 1.1, "warm": 2.5}
    )
    assert json.loads((out / "build.json").read_text()) == result
    printed = capsys.readouterr().out
    assert "mkdocs build, off      median 3.00 s (2.00, 4.00, 3.00)" in (
        printed
    )
    assert "ratio figures/off: 1.100 (target <= 1.15)" in printed
    assert "warm/off: 2.500" in printed
