"""Table 1 of PacGAN under its authors' own protocol (gen_src.pacgan_protocol).

    python -m gen_src bench modes --protocol pacgan [--epochs E] [--trials N]

GAN, PacGAN2, PacGAN3 and PacGAN4 train on the ring and the grid for N
trials (seeds 0..N-1; the paper: 10) and E epochs (the paper: 400), the
trials of a row as one stack unless --alone. On a GPU the rows train one
after another in this process (one process owns the GPU); on a CPU side
by side, one thread each. It prints each row beside the paper's and
writes bench/pacgan-protocol.json with the epochs, the trials and the
device that really ran.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from concurrent.futures import as_completed

from .. import runtime

NUMBERS = ("modes", "high_quality", "reverse_kl")
PAPER_EPOCHS = 400
PAPER_TRIALS = 10
# the target: within this much of the paper's mean, per row
TOLERANCE = {"modes": 0.5, "high_quality": 0.05}


def train_row(job: tuple) -> list:
    """The trials of one row (in a worker, or here on a GPU): (dataset,
    pack, seeds, epochs, device, alone, overrides of the config)."""
    from .. import pacgan_protocol as protocol

    dataset, pack, seeds, epochs, device, alone, overrides = job
    configs = [
        protocol.ProtocolConfig(
            dataset=dataset, pack=pack, epochs=epochs, seed=s, **overrides
        )
        for s in seeds
    ]
    if alone:
        runs = [
            protocol.train(c, device=device, progress=False) for c in configs
        ]
    else:
        runs = protocol.train_many(configs, device=device, progress=False)
    return [
        {
            "seed": run.config.seed,
            "device": run.device,
            "seconds": run.seconds,
            "steps": run.metrics["steps"],
            **{k: run.metrics[k] for k in NUMBERS},
        }
        for run in runs
    ]


def _summary(values: list[float]) -> dict:
    """Mean and standard error (the paper's spread); None if infinite."""
    if not all(math.isfinite(v) for v in values):
        return {"mean": None, "se": None}
    se = (
        statistics.stdev(values) / math.sqrt(len(values))
        if len(values) > 1
        else 0.0
    )
    return {"mean": statistics.fmean(values), "se": se}


def _paper(method: str, dataset: str) -> dict:
    """Lin et al.'s row, from the table the site's pages cite
    (gen_src/website/published_modes.toml)."""
    import tomllib

    path = runtime.PACKAGE / "website" / "published_modes.toml"
    name = "GAN" if method == "gan" else method.replace("pacgan", "PacGAN")
    for row in tomllib.loads(path.read_text("utf-8"))["rows"]:
        if row["paper"] == "lin2018" and row["method"] == name:
            found = row[dataset]
            return {
                "modes": found["modes"][0],
                "high_quality": found["high_quality"][0] / 100,
                "reverse_kl": found["reverse_kl"][0],
            }
    raise KeyError(f"no lin2018 row {name} in published_modes.toml")


def reproduce(
    epochs: int = PAPER_EPOCHS,
    trials: int = PAPER_TRIALS,
    device: str = "auto",
    workers: int | None = None,
    alone: bool = False,
    datasets: tuple[str, ...] = ("ring", "grid"),
    packs: tuple[int, ...] = (1, 2, 3, 4),
    overrides: dict | None = None,
) -> dict:
    """Train and score every row; write and return the JSON's content.
    overrides: settings that differ from the paper's (tests: smaller)."""
    from .. import config as cfg
    from .. import pacgan_protocol as protocol
    from . import bench, notebook_publish
    from .workers import pool as worker_pool

    cfg.check_int("epochs", epochs, 1)
    cfg.check_int("trials", trials, 1)
    for dataset in datasets:
        for pack in packs:  # names a bad dataset or pack size
            protocol.ProtocolConfig(
                dataset=dataset, pack=pack, **(overrides or {})
            )
    dev = runtime.resolve_device(device)
    seeds = tuple(range(trials))
    if alone:
        jobs = [
            (d, p, (s,), epochs, dev.type, True, overrides or {})
            for d in datasets
            for p in packs
            for s in seeds
        ]
    else:
        jobs = [
            (d, p, seeds, epochs, dev.type, False, overrides or {})
            for d in datasets
            for p in packs
        ]
    started = time.perf_counter()
    results: dict[tuple[str, int], list] = {}
    if dev.type == "cuda":  # one process owns the GPU
        for job in jobs:
            results.setdefault(job[:2], []).extend(train_row(job))
            print(f"done: {job[0]} m={job[1]}", flush=True)
    else:
        workers = workers or min(len(jobs), os.cpu_count() or 1)
        with worker_pool(workers) as pool:
            futures = {pool.submit(train_row, job): job for job in jobs}
            for future in as_completed(futures):
                job = futures[future]
                results.setdefault(job[:2], []).extend(future.result())
                print(f"done: {job[0]} m={job[1]} seeds {job[2]}", flush=True)
    wall = time.perf_counter() - started
    rows = []
    for dataset in datasets:
        for pack in packs:
            runs = sorted(results[dataset, pack], key=lambda r: r["seed"])
            method = protocol.ProtocolConfig(pack=pack).method
            row = {
                "method": method,
                "dataset": dataset,
                "pack": pack,
                "runs": runs,
            }
            row.update({k: _summary([r[k] for r in runs]) for k in NUMBERS})
            row["paper"] = _paper(method, dataset)
            rows.append(row)
    settings = cfg.as_dict(
        protocol.ProtocolConfig(epochs=epochs, **(overrides or {}))
    )
    for field in ("dataset", "pack", "seed"):
        settings.pop(field)
    out = {
        "protocol": "pacgan",
        "epochs": epochs,
        "paper_epochs": PAPER_EPOCHS,
        "trials": trials,
        "device": rows[0]["runs"][0]["device"],
        "stacked": not alone,
        "wall_seconds": wall,
        "revision": notebook_publish.revision(),
        "code_committed": bench.code_committed(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "settings": settings,
        "rows": rows,
    }
    _print(out)
    path = bench.out_dir() / "pacgan-protocol.json"
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(out, indent=1))
    os.replace(tmp, path)
    print(f"written: {path}")
    return out


def within(row: dict, number: str) -> bool | None:
    """Is the row's mean within the target of the paper's? (None: no mean)"""
    mine = row[number]["mean"]
    if mine is None:
        return None
    return abs(mine - row["paper"][number]) <= TOLERANCE[number]


def _print(out: dict) -> None:
    print(
        f"PacGAN Table 1 under the paper's protocol: {out['epochs']} of "
        f"{out['paper_epochs']} epochs, {out['trials']} trials, on "
        f"{out['device']} ({out['wall_seconds']:.0f} s wall); mean ± "
        "standard error, the paper's beside"
    )
    print(
        f"{'method':<8} {'data':<5} {'modes':>11} {'paper':>6} "
        f"{'high quality %':>15} {'paper':>6} {'reverse KL':>13} {'paper':>6}"
    )
    for r in out["rows"]:
        p = r["paper"]
        print(
            f"{r['method']:<8} {r['dataset']:<5} {_cell(r['modes']):>11} "
            f"{p['modes']:6.1f} {_cell(r['high_quality'], 100):>15} "
            f"{100 * p['high_quality']:6.1f} "
            f"{_cell(r['reverse_kl'], 1, 2):>13} {p['reverse_kl']:6.2f}"
        )


def _cell(summary: dict, scale: float = 1.0, digits: int = 1) -> str:
    if summary["mean"] is None:
        return "∞"
    mean, se = scale * summary["mean"], scale * summary["se"]
    return f"{mean:.{digits}f} ± {se:.{digits}f}"
