"""Publishing past one machine: the runs in shards, and caches merged.

    python -m gen_src figures --shard 2/3 --profile full
    python -m gen_src merge CACHE [CACHE ...] --into .cache/gen_src

A shard is every N-th share of the runs the figures need, balanced by
each run's cost as measured under the profile and declared in its
family's COST: the costliest run goes to the shard with the least cost
so far. Each job of the publishing workflow
trains one shard into its cache; the last job merges the caches and
builds. A run scored on images needs the judge to train: they go to one
shard together, so the judge is trained once (two machines need not
round alike). Two caches that hold different entries under one key are
refused, naming the key; the same run twice (a restored cache, say) is
kept once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

from . import cache as cache_mod
from . import registry

SHARD = re.compile(r"(\d+)/(\d+)")
JUDGE = "judge"  # --shard judge: the judge alone, before the others
MERGED = ("runs", "configs")  # what a shard trains; the build makes the rest


class ShardError(ValueError):
    """A bad --shard, or caches that cannot be merged."""


def parse(text: str) -> tuple[int, int]:
    """'i/N' -> (i, N), 1 <= i <= N."""
    match = SHARD.fullmatch(text.strip())
    if match is None:
        raise ShardError(
            f"--shard {text}: not i/N; give the shard and the count, "
            f"e.g. --shard 1/2 (or --shard {JUDGE}: the judge alone)"
        )
    i, n = int(match[1]), int(match[2])
    if not 1 <= i <= n:
        raise ShardError(
            f"--shard {text}: shard {i} of {n} does not exist; give i/N "
            f"with 1 <= i <= N, e.g. --shard 1/{max(n, 1)}"
        )
    return i, n


def runs_of_figures() -> list[str]:
    """Every run a figure needs, each once, by name."""
    return sorted({r for f in registry.figures().values() for r in f.runs})


def assign(
    runs: list[str], n: int, together=(), profile: str = "quick"
) -> list[list[str]]:
    """The runs in n shards of about equal cost under profile (costliest
    first, each to the lightest shard so far; ties by name and shard
    number); the runs in `together` go to one shard, as one."""
    specs = registry.runs()
    units = [[r] for r in runs if r not in together]
    group = sorted(r for r in runs if r in together)
    units += [group] if group else []

    def cost(unit):
        return sum(specs[r].cost_under(profile) for r in unit)

    shards: list[list[str]] = [[] for _ in range(n)]
    loads = [0.0] * n
    for unit in sorted(units, key=lambda u: (-cost(u), u[0])):
        lightest = min(range(n), key=lambda s: (loads[s], s))
        shards[lightest] += unit
        loads[lightest] += cost(unit)
    return shards


def with_judge(pipe, runs: list[str]) -> set[str]:
    """The judge, and the runs that need it to train (scored on images)."""
    from . import keys

    specs, profile = registry.runs(), pipe.settings.profile
    return {registry.CLASSIFIER_RUN} | {
        r
        for r in runs
        if specs[r].scored and keys.reads_images(pipe.config(r, profile))
    }


def shard(text: str, pipe) -> list[str]:
    """The runs of shard 'I/N', or of 'judge' (the judge alone). Once
    the judge is in the cache, the runs that need it spread freely."""
    if text.strip() == JUDGE:
        return [registry.CLASSIFIER_RUN]
    i, n = parse(text)
    runs = runs_of_figures()
    judged = pipe.cached(registry.CLASSIFIER_RUN)
    together = () if judged else with_judge(pipe, runs)
    return assign(runs, n, together, pipe.settings.profile)[i - 1]


def merge(sources: list[Path], into: Path) -> dict[str, int]:
    """Copy the trained runs (and configs) of every source cache into
    `into`; an entry already there is kept if it is the same run (see
    _fingerprint), replaced if it is damaged. Returns counts."""
    target = cache_mod.Cache(into)
    counts = {"copied": 0, "same": 0}
    for source in sources:
        if not any((source / folder).is_dir() for folder in MERGED):
            raise ShardError(f"{source}: not a cache (no runs/ or configs/)")
        for folder in MERGED:
            for entry in sorted((source / folder).glob("*")):
                if entry.name.startswith((cache_mod.TMP_PREFIX, ".")):
                    continue
                if entry.is_file():
                    counts[_merge_config(entry, into / folder)] += 1
                else:
                    counts[_merge_run(target, entry, into / folder)] += 1
    return counts


def _merge_config(entry: Path, folder: Path) -> str:
    """configs/NAME.json: a run's config, computed from its key."""
    if entry.suffix != ".json":  # a leftover of an interrupted write
        return "same"
    there = folder / entry.name
    if there.exists():
        if there.read_bytes() != entry.read_bytes():
            raise ShardError(
                f"key {entry.stem}: {entry} and {there} hold different "
                "configs under it"
            )
        return "same"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = there.with_name(f"{cache_mod.TMP_PREFIX}{there.name}")
    shutil.copy2(entry, tmp)
    os.replace(tmp, there)
    return "copied"


def _merge_run(target: cache_mod.Cache, entry: Path, folder: Path) -> str:
    try:
        target.check_entry(entry)
        listed = json.loads((entry / cache_mod.CHECKSUMS).read_text())
        if "record.json" not in listed:
            raise ValueError("no record.json among its checksums")
    except (OSError, ValueError) as err:  # DamagedEntry included
        raise ShardError(f"{entry}: damaged ({err}); train it again") from err
    there = folder / entry.name
    with target.lock(there):
        if there.exists():
            try:
                target.check_entry(there)
            except cache_mod.DamagedEntry:
                target.discard(there)  # the good copy replaces it
        if there.exists():
            if _fingerprint(there) != _fingerprint(entry):
                raise ShardError(
                    f"key {entry.name}: the caches hold different runs "
                    f"under it ({entry} and {there}); train it again in one"
                )
            return "same"
        target.write_entry(  # only the files the checksums vouch for
            there,
            lambda tmp: [shutil.copy2(entry / n, tmp / n) for n in listed],
        )
    return "copied"


def _fingerprint(entry: Path) -> tuple:
    """What makes two entries the same run: every file's checksum but
    the record's, and the record without its timing and date."""
    sums = json.loads((entry / cache_mod.CHECKSUMS).read_text())
    sums.pop("record.json", None)
    record = json.loads((entry / "record.json").read_text())
    kept = {
        k: v
        for k, v in record.items()
        if k not in ("date", "device") and not k.startswith("seconds")
    }
    metrics = kept.get("metrics") or {}
    kept["metrics"] = {
        k: v for k, v in metrics.items() if not k.startswith("seconds")
    }
    return tuple(sorted(sums.items())), json.dumps(kept, sort_keys=True)


def train_command(settings, text: str, out=None, sources=None) -> int:
    """`figures --shard I/N [--from CACHE...] [--out CACHE]`: merge the
    sources' runs into the cache, train the shard's runs missing from it,
    side by side, and copy the shard's runs (trained now or before) into
    out; 1 if any failed (each named), 2 if the caches disagree."""
    import time

    from . import pipeline

    if sources and merge_command(sources, str(settings.cache_dir)):
        return 2
    pipe = pipeline.Pipeline(settings)
    runs = shard(text, pipe)
    lacking = [r for r in runs if not pipe.cached(r)]
    print(
        f"shard {text}: {len(runs)} runs, {len(lacking)} to train "
        f"(profile {settings.profile}, cache {settings.cache_dir}): "
        f"{', '.join(runs)}"
    )
    started = time.perf_counter()
    failed = pipeline.train_side_by_side(settings, lacking) if lacking else {}
    for name, err in failed.items():
        print(
            f"FAILED run {name}: {type(err).__name__}: {err}", file=sys.stderr
        )
    print(f"shard {text}: trained in {time.perf_counter() - started:.1f} s")
    if out and not failed:
        try:
            target = cache_mod.Cache(Path(out))
            for run in runs:
                _merge_run(target, pipe.run_entry(run), Path(out) / "runs")
        except (ShardError, cache_mod.CacheError, OSError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"shard {text}: its {len(runs)} runs copied into {out}")
    return 1 if failed else 0


def merge_command(sources: list[str], into: str) -> int:
    """`merge CACHE ... --into CACHE`: 2 and one line on a conflict."""
    try:
        counts = merge([Path(s) for s in sources], Path(into))
    except (ShardError, cache_mod.CacheError, OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(
        f"merged {len(sources)} caches into {into}: {counts['copied']} "
        f"entries copied, {counts['same']} already there"
    )
    return 0
