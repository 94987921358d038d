"""The mode benchmark: every GAN remedy on the ring and the grid, many seeds.

    python -m gen_src bench modes --profile quick --seeds 5 [--alone]

Each method trains on the ring of 8 and the grid of 25 Gaussians (the
PacGAN protocol: 2,500 samples scored; a sample is high quality within 3
standard deviations of its nearest mode) for seeds 0..N-1, with the
profile's settings and the same number of generator updates for every
method. It prints mean ± standard deviation of modes, high-quality share,
reverse KL, the largest mode's share and the seconds per run, and writes
bench/modes-PROFILE.json, which the GAN page's results table reads. The
seeds of a method on one dataset train as one stack (gen_src.stacking),
or each run by itself with --alone (WGAN-GP's always); stacks and runs
train side by side, one thread each.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from concurrent.futures import as_completed

from .. import runtime

# method -> (family module, overrides of its config_for, or the name of
# the family's dict of them); each config's .method gives the name back
METHODS = {
    "minimax": ("gan", {"loss": "minimax"}),
    "nonsaturating": ("gan", {}),
    "pacgan2": ("gan", {"pack": 2}),
    "pacgan4": ("gan", {"pack": 4}),
    "wgan-gp": ("wgan", {}),
    "nonsaturating-r1": ("gan", "R1_REMEDY"),
    "diffusion": ("diffusion", lambda profile: sampling("diffusion", profile)),
    "flow-matching": (
        "flow_matching",
        lambda profile: sampling("flow-matching", profile),
    ),
}
# The sampler and steps (at most 100) each denoising method is scored
# with: on seeds 0-4, the highest mean high-quality share over both data
# sets in the runs' sweeps (run["sweep"]); smoke takes quick's.
SAMPLING = {
    "diffusion": {"quick": ("ddpm", 50), "full": ("ddpm", 100)},
    "flow-matching": {"quick": ("heun", 20), "full": ("heun", 20)},
}


def sampling(method: str, profile: str) -> dict:
    sampler, steps = SAMPLING[method].get(profile, SAMPLING[method]["quick"])
    return {"sampler": sampler, "sample_steps": steps}


# the methods that are not GANs: the GAN pages' claims compare the GANs
DENOISING = ("diffusion", "flow-matching")
DATASETS = ("ring", "grid")
NUMBERS = (
    "modes",
    "high_quality",
    "reverse_kl",
    "largest_mode_share",
    "seconds",
)


def methods_of(table: str) -> dict:
    """The methods of a benchmark: modes (METHODS) or ablations
    (bench_ablations.VARIANTS)."""
    if table == "ablations":
        from . import bench_ablations

        return bench_ablations.VARIANTS
    return METHODS


def method_config(
    method: str, dataset: str, profile: str, seed: int = 0, table="modes"
):
    """The config a method trains with: the family's profile preset."""
    import importlib

    from .. import config as cfg

    cfg.check_choice("method", method, tuple(methods_of(table)))
    cfg.check_choice("dataset", dataset, DATASETS)
    module, overrides = methods_of(table)[method]
    family = importlib.import_module(f"gen_src.{module}")
    if isinstance(overrides, str):
        overrides = getattr(family, overrides)
    elif callable(overrides):  # settings that depend on the profile
        overrides = overrides(profile)
    return family.config_for(profile, dataset=dataset, seed=seed, **overrides)


def stated_config(
    method: str, dataset: str, profile: str, table: str = "modes"
) -> dict:
    """The settings every seed shares, as JSON gives them back (the
    page states them; a test compares them with today's code)."""
    from .. import config as cfg

    config = cfg.as_dict(method_config(method, dataset, profile, 0, table))
    config.pop("seed")
    return json.loads(json.dumps(config))


def train_one(job: tuple) -> list:
    """Runs of the benchmark (in a worker process): the seeds of one
    method on one dataset, as one stack (family.train_many) or one at a
    time (alone); their scores."""
    import importlib

    method, dataset, profile, seeds, alone, table, *device = job
    device = device[0] if device else "cpu"
    configs = [
        method_config(method, dataset, profile, s, table) for s in seeds
    ]
    family = importlib.import_module(f"gen_src.{methods_of(table)[method][0]}")
    started = time.perf_counter()
    if alone:
        runs = [
            family.train(c, device=device, progress=False) for c in configs
        ]
    else:
        runs = family.train_many(configs, device=device, progress=False)
    seconds = (time.perf_counter() - started) / len(runs)
    results = []
    for config, run in zip(configs, runs):
        m = {**run.metrics}
        if hasattr(family, "score"):
            m.update(family.score(run, None))
        results.append(
            {
                "method": method,
                "dataset": dataset,
                "seed": config.seed,
                "modes": m["modes"],
                "num_modes": m["num_modes"],
                "high_quality": m["high_quality"],
                "reverse_kl": m["reverse_kl"],
                "largest_mode_share": m["largest_mode_share"],
                # a stack's wall time shared out over its runs
                "seconds": seconds,
                "stacked": 1 if alone else len(runs),
                "generator_updates": m["steps"]
                * getattr(config, "g_steps", 1),
                **_sampling(m),
            }
        )
    return results


def _sampling(metrics: dict) -> dict:
    """A denoising run's sampling cost (network evaluations per sample)
    and its quality against its samplers' steps: sweep {SAMPLER: {STEPS:
    [modes, high_quality]}}; nothing for a GAN (one evaluation)."""
    if "evaluations" not in metrics:
        return {}
    sweep: dict = {}
    for key, value in metrics.items():
        if key.startswith("sweep_") and key.endswith("_hq"):
            _, sampler, steps, _ = key.split("_")
            modes = metrics[f"sweep_{sampler}_{steps}_modes"]
            sweep.setdefault(sampler, {})[steps] = [modes, value]
    return {"evaluations": metrics["evaluations"], "sweep": sweep}


def jobs_for(
    methods, datasets, profile, seeds, alone, table="modes", first_seed=0
):
    """One job per stack: a method's seeds on one dataset; one job per
    run where it trains alone (--alone, or a game that cannot stack)."""
    jobs, seeds = [], tuple(range(first_seed, first_seed + seeds))
    for method in methods:
        for dataset in datasets:
            if alone or not stackable(method, dataset, profile, table):
                jobs += [
                    (method, dataset, profile, (s,), True, table)
                    for s in seeds
                ]
            else:
                jobs.append((method, dataset, profile, seeds, False, table))
    return jobs


def stackable(method, dataset, profile, table="modes") -> bool:
    """Can the method's seeds train as one stack? (WGAN-GP's cannot,
    nor a family that says STACKS = False.)"""
    import importlib

    family = importlib.import_module(f"gen_src.{methods_of(table)[method][0]}")
    game = getattr(family, "game", None)
    if not getattr(family, "STACKS", True):
        return False
    if game is None:
        return True
    config = method_config(method, dataset, profile, 0, table)
    return game(config).unstackable is None


def _trained(jobs: list, dev, workers: int):
    """Each job's results as it ends: in workers of one thread each on a
    CPU; here, one after another, on a GPU (one process owns it)."""
    if dev.type != "cpu":
        for job in jobs:
            yield train_one(job)
        return
    from .workers import pool as worker_pool

    with worker_pool(workers) as pool:
        # not pool.map: on Ctrl-C it cancels futures that Python 3.11's
        # broken-pool handling then fails to fail, with a traceback
        futures = [pool.submit(train_one, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()


def _summary(values: list[float]) -> dict:
    """Mean and population standard deviation; None where a value is
    infinite (a reverse KL when no sample is of high quality)."""
    if not all(math.isfinite(v) for v in values):
        return {"mean": None, "std": None}
    return {
        "mean": statistics.fmean(values),
        "std": statistics.pstdev(values) if len(values) > 1 else 0.0,
    }


def modes(
    profile: str = "quick",
    seeds: int = 5,
    workers: int | None = None,
    methods: list[str] | None = None,
    datasets: tuple[str, ...] = DATASETS,
    alone: bool = False,
    table: str = "modes",
    first_seed: int = 0,
    device: str = "cpu",
) -> list[dict]:
    """Train every method on every dataset for every seed; summarise.
    The seeds of a method train as one stack (gen_src.stacking) unless
    alone is true. table: modes (METHODS) or ablations; first_seed: the
    seeds are first_seed.. (held out from those settings were chosen on),
    and the JSON's name says so. On a GPU (device) the jobs run here, one
    after another: one process owns it."""
    from . import bench, bench_modes_report

    runtime.check_profile(profile)
    from .. import config as cfg

    cfg.check_int("first_seed", first_seed, 0)
    methods = methods or list(methods_of(table))
    for method in methods:
        for dataset in datasets:  # names a bad method or dataset
            method_config(method, dataset, profile, 0, table)
    jobs = jobs_for(
        methods, datasets, profile, seeds, alone, table, first_seed
    )
    dev = runtime.resolve_device(device)
    jobs = [(*job, dev.type) for job in jobs]
    total = sum(len(job[3]) for job in jobs)
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    started = time.perf_counter()
    results = []
    for finished in _trained(jobs, dev, workers):  # each stack or run
        for r in finished:
            results.append(r)
            print(
                f"{len(results)}/{total} {r['method']} {r['dataset']} "
                f"seed {r['seed']}: {r['modes']} modes, "
                f"{100 * r['high_quality']:.1f}% high quality, "
                f"{r['seconds']:.0f} s",
                flush=True,
            )
    results.sort(key=lambda r: r["seed"])
    rows = []
    for method in methods:
        for dataset in datasets:
            mine = [
                r
                for r in results
                if r["method"] == method and r["dataset"] == dataset
            ]
            row = {
                "method": method,
                "dataset": dataset,
                "config": stated_config(method, dataset, profile, table),
                "seeds": [r["seed"] for r in mine],
                "num_modes": mine[0]["num_modes"],
                "generator_updates": mine[0]["generator_updates"],
                "runs": mine,
            }
            row.update({k: _summary([r[k] for r in mine]) for k in NUMBERS})
            rows.append(row)
    wall = time.perf_counter() - started
    seeds_run = range(first_seed, first_seed + seeds)
    bench_modes_report.print_table(rows, profile, seeds_run, wall)
    held_out = f"-seeds{first_seed}" if first_seed else ""
    out = bench.out_dir() / f"{table}-{profile}{held_out}.json"
    header = {"profile": profile, "seeds": seeds, "first_seed": first_seed}
    return bench_modes_report.write(
        out,
        rows,
        header,
        runtime.device_name(dev),
        methods_of(table),
        DATASETS,
    )
