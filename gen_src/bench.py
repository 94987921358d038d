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

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import pipeline, registry
from .website.provenance import METRICS

OUT_DIR = Path("bench")


def _write(name: str, data: dict) -> Path:
    OUT_DIR.mkdir(exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    os.replace(tmp, path)
    return path


def quality(profile: str = "quick", fresh: bool = False,
            device: str = "auto") -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        settings = pipeline.Settings.resolve(
            profile, device, tmp if fresh else None)
        if os.environ.get("GEN_PROFILE"):
            print(f"note: GEN_PROFILE={settings.profile} overrides "
                  "--profile", file=sys.stderr)
        pipe = pipeline.Pipeline(settings)
        rows = {}
        for name in registry.runs():
            _, record = pipe.run(name)
            rows[name] = {
                "profile": record["profile"],
                "seconds": record["seconds"],
                "device": record["device"],
                "metrics": record["metrics"],
            }
    print(f"{'run':<16} {'profile':<8} {'seconds':>8}  metrics")
    for name, row in rows.items():
        shown = ", ".join(
            f"{k}={_fmt(v)}" for k, v in row["metrics"].items()
            if k in METRICS or k in ("num_modes", "largest_mode_share"))
        print(f"{name:<16} {row['profile']:<8} {row['seconds']:>8.1f}  "
              f"{shown}")
    total = sum(r["seconds"] for r in rows.values())
    print(f"{'total':<16} {'':<8} {total:>8.1f}")
    path = _write(f"quality-{settings.profile}", rows)
    print(f"written: {path}")
    return rows


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _time_build(env: dict) -> float:
    with tempfile.TemporaryDirectory() as site:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--quiet",
             "--site-dir", site], check=True, env={**os.environ, **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


def build(repeat: int = 3) -> dict:
    """Warm build vs the same build with the pipeline off (median)."""
    _time_build({})  # make sure everything is cached (cold if it is not)
    off, warm = [], []
    for _ in range(repeat):
        off.append(_time_build({"GEN_FIGURES": "off"}))
        warm.append(_time_build({}))
    result = {
        "repeat": repeat,
        "off_seconds": off, "warm_seconds": warm,
        "off_median": statistics.median(off),
        "warm_median": statistics.median(warm),
    }
    result["ratio"] = result["warm_median"] / result["off_median"]
    print(f"mkdocs build, pipeline off: median {result['off_median']:.2f} s "
          f"({', '.join(f'{t:.2f}' for t in off)})")
    print(f"mkdocs build, warm cache:   median {result['warm_median']:.2f} s "
          f"({', '.join(f'{t:.2f}' for t in warm)})")
    print(f"ratio warm/off: {result['ratio']:.3f} (target <= 1.15)")
    print(f"written: {_write('build', result)}")
    return result
