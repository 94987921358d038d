"""Benchmarks that print numbers: model quality and build speed.

    python -m gen_src bench quality [--profile quick] [--fresh]
    python -m gen_src bench build   [--repeat 3]

`quality` trains (or loads from the cache) every run and prints its
metrics and training time; `--fresh` uses an empty cache, so every run is
trained and timed. `build` times `mkdocs build` with the figures switched
off, warm (everything cached), and reports the ratio. Results are written
as JSON under bench/.
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .. import runtime
from . import pipeline, registry, strings, workers


def out_dir() -> Path:
    return runtime.home() / "bench"


def _write(name: str, data: dict) -> Path:
    out = out_dir()
    out.mkdir(exist_ok=True)
    path = out / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    os.replace(tmp, path)
    return path


def quality(
    profile: str = "quick", fresh: bool = False, device: str = "auto"
) -> dict:
    """Every run's training time and metrics; the runs missing from the
    cache train first, side by side as in a build, and the wall time of
    that cold part is recorded. Beside another profile's numbers, the
    quick ones (bench/quality-quick.json) are printed too."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = pipeline.Settings.resolve(profile, device)
        if fresh:  # an empty cache, whatever GEN_CACHE_DIR says
            settings = dataclasses.replace(settings, cache_dir=Path(tmp))
        if os.environ.get("GEN_PROFILE"):
            print(
                f"note: GEN_PROFILE={settings.profile} overrides --profile",
                file=sys.stderr,
            )
        pipe = pipeline.Pipeline(settings)
        lacking = [n for n in registry.runs() if not pipe.cached(n)]
        started = time.perf_counter()
        failed = (
            pipeline.train_side_by_side(settings, lacking) if lacking else {}
        )
        wall = time.perf_counter() - started
        for name, err in failed.items():
            print(f"error: run {name!r} failed: {err}", file=sys.stderr)
        rows = {}
        for name in registry.runs():
            if name in failed:
                continue
            _, record = pipe.run(name)
            rows[name] = {
                "profile": record["profile"],
                "seconds": record["seconds"],
                "device": record["device"],
                "metrics": record["metrics"],
            }
    quick = _read("quality-quick") if settings.profile != "quick" else {}
    _print_table(rows, quick.get("runs", quick))
    cold = {"trained": lacking, "wall_seconds": round(wall, 1)}
    before = _read(f"quality-{settings.profile}")
    if lacking:
        side = workers.workers_for(len(lacking), settings.device)
        print(
            f"cold: {len(lacking)} runs trained in {wall:.1f} s wall "
            f"({side} side by side)"
        )
    elif before.get("trained"):  # warm: the last cold timing is kept
        cold = {k: before[k] for k in cold}
        print(
            f"warm: every run was cached; the last cold part stays on "
            f"record ({len(cold['trained'])} runs, "
            f"{cold['wall_seconds']} s wall); --fresh times a cold one"
        )
    path = _write(
        f"quality-{settings.profile}",
        {"profile": settings.profile, **cold, "runs": rows},
    )
    print(f"written: {path}")
    return rows


def _read(name: str) -> dict:
    path = out_dir() / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _shown(metrics: dict) -> dict:
    keep = set(strings.shown_metrics()) | {"num_modes", "largest_mode_share"}
    return {k: v for k, v in metrics.items() if k in keep}


def _print_table(rows: dict, quick: dict) -> None:
    """One line per run: its seconds and metrics, with the quick run's
    before an arrow when there is one to compare."""
    head = f"{'run':<16} {'profile':<8} {'seconds':>8}"
    print(head + (f" {'quick s':>8}" if quick else "") + "  metrics")
    for name, row in rows.items():
        before = quick.get(name)
        shown = []
        for k, v in _shown(row["metrics"]).items():
            was = before["metrics"].get(k) if before else None
            shown.append(
                f"{k}={_fmt(was)}->{_fmt(v)}"
                if was is not None and was != v
                else f"{k}={_fmt(v)}"
            )
        line = f"{name:<16} {row['profile']:<8} {row['seconds']:>8.1f}"
        if quick:
            line += f" {before['seconds'] if before else float('nan'):>8.1f}"
        print(line + "  " + ", ".join(shown))
    total = sum(r["seconds"] for r in rows.values())
    print(f"{'total':<16} {'':<8} {total:>8.1f}")


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _time_build(env: dict) -> float:
    with tempfile.TemporaryDirectory() as site:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--quiet",
                "--site-dir",
                site,
            ],
            check=True,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started


VARIANTS = {  # name -> environment
    "off": {"GEN_FIGURES": "off"},  # no pipeline: no figures, no notebooks
    "figures": {"GEN_NOTEBOOKS": "off"},  # warm figures, notebook stubs
    "warm": {},  # warm figures and notebook pages
}


def build(repeat: int = 3) -> dict:
    """Warm builds vs the same build with the pipeline off (medians).

    "figures" is the warm pipeline's own cost; "warm" adds the notebook
    pages, whose content (about 10 large pages, parsed by the search
    plugin) the build without the pipeline does not have.
    """
    _time_build({})  # make sure everything is cached (cold if it is not)
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(repeat):
        for name, env in VARIANTS.items():
            times[name].append(_time_build(env))
    result = {
        "repeat": repeat,
        "seconds": times,
        "median": {n: statistics.median(t) for n, t in times.items()},
    }
    off = result["median"]["off"]
    result["ratio"] = {n: m / off for n, m in result["median"].items()}
    for name, median in result["median"].items():
        print(
            f"mkdocs build, {name:<8} median {median:.2f} s "
            f"({', '.join(f'{t:.2f}' for t in times[name])})"
        )
    print(
        f"ratio figures/off: {result['ratio']['figures']:.3f} "
        "(target <= 1.15); with notebook pages, warm/off: "
        f"{result['ratio']['warm']:.3f}"
    )
    print(f"written: {_write('build', result)}")
    return result


def code_committed() -> bool | None:
    """Was gen_src/ as committed at the revision recorded? (None: no git)
    A benchmark run from uncommitted code cannot be reproduced from it."""
    import subprocess

    try:
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "gen_src"],
            cwd=runtime.home(),
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if changed:
        print(
            "bench: gen_src/ has uncommitted changes, so the JSON's "
            "revision does not reproduce it (code_committed: false)"
        )
    return not changed
