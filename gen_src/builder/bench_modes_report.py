"""The mode benchmark's report: its table printed, its JSON's rows merged
with those of methods not rerun (gen_src/builder/bench_modes.py)."""

from __future__ import annotations

import json
import os
import time


def write(out, rows, header: dict, device: str, methods, datasets) -> list:
    """The benchmark's JSON at out, written atomically: header, the
    device, the code's revision, and the rows, merged with those of
    methods not rerun; the rows as written."""
    from . import bench, notebook_publish

    revision = notebook_publish.revision()
    clean = bench.code_committed()
    for row in rows:
        row["revision"] = revision
        row["code_committed"] = clean
    out.parent.mkdir(exist_ok=True)
    rows = merged(out, rows, header["seeds"], methods, datasets)
    data = {
        **header,
        "device": device,
        "revision": revision,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "rows": rows,
    }
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, out)
    print(f"written: {out}")
    return rows


def merged(out, rows: list[dict], seeds: int, methods, datasets) -> list[dict]:
    """Rows of the methods and datasets not rerun are kept from out, when
    they were measured over as many seeds; in the order of methods, then
    datasets."""
    if not out.exists():
        return rows
    old = json.loads(out.read_text())
    if old.get("seeds") != seeds:
        return rows
    rerun = {(r["method"], r["dataset"]) for r in rows}
    kept = [r for r in old["rows"] if (r["method"], r["dataset"]) not in rerun]
    methods, datasets = list(methods), list(datasets)
    return sorted(
        kept + rows,
        key=lambda r: (
            methods.index(r["method"]),
            datasets.index(r["dataset"]),
        ),
    )


def _cell(summary: dict, scale: float = 1.0, digits: int = 1) -> str:
    if summary["mean"] is None:
        return "inf"
    return (
        f"{scale * summary['mean']:.{digits}f} ± "
        f"{scale * summary['std']:.{digits}f}"
    )


def print_table(
    rows: list[dict], profile: str, seeds: range, wall: float
) -> None:
    print(
        f"mode benchmark, {profile} profile, seeds {seeds[0]}..{seeds[-1]} "
        f"(mean ± std; {wall:.0f} s wall)"
    )
    print(
        f"{'method':<17} {'data':<5} {'modes':>12} {'high quality %':>15} "
        f"{'reverse KL':>15} {'largest mode %':>15} {'s/run':>6}"
    )
    for r in rows:
        print(
            f"{r['method']:<17} {r['dataset']:<5} "
            f"{_cell(r['modes']):>12} "
            f"{_cell(r['high_quality'], 100):>15} "
            f"{_cell(r['reverse_kl'], digits=3):>15} "
            f"{_cell(r['largest_mode_share'], 100):>15} "
            f"{r['seconds']['mean']:6.1f}"
        )
