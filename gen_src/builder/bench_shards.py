"""The publishing benchmark: the workflow's jobs, cold, one after another.

    python -m gen_src bench shards [--profile full] [--shards 3]

It runs what each job of .github/workflows/publish.yml runs, each in an
empty cache of its own as a fresh runner has: the judge
(figures --shard judge), then every shard (figures --shard i/N --from
the judge), then the build job (merge the judge's and the shards' runs,
build and zip the offline copy, then mkdocs build). The tests, a job of
their own, are not timed here. It prints each job's wall time and the
longest, and writes bench/shards-PROFILE.json. On one machine the jobs
run one after another: on the workflow's runners, the shards run side by
side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(name: str, command: list[str], env: dict) -> dict:
    print(f"[{name}] {' '.join(command)}", flush=True)
    started = time.perf_counter()
    code = subprocess.run(command, env=env).returncode
    if code:
        raise ValueError(
            f"job {name} failed (exit status {code}): its error is above; "
            "fix it, then run the benchmark again"
        )
    seconds = round(time.perf_counter() - started, 1)
    print(f"[{name}] {seconds:.1f} s", flush=True)
    return {"job": name, "seconds": seconds}


def shards(profile: str = "full", count: int = 3) -> dict:
    """Each job's seconds, cold; the longest; written to the JSON."""
    from .. import config as cfg
    from .. import runtime
    from . import shards as shards_mod

    runtime.check_profile(profile)
    cfg.check_int("shards", count, 1)
    python = sys.executable
    jobs = []
    with tempfile.TemporaryDirectory(prefix="gen-src-shards-") as tmp:
        root = Path(tmp)

        def env(cache: str) -> dict:
            return {
                **os.environ,
                "GEN_PROFILE": profile,
                "GEN_CACHE_DIR": str(root / cache),
            }

        figures = [python, "-m", "gen_src", "figures"]
        out = str(root / "out-judge")
        judge = [*figures, "--shard", shards_mod.JUDGE, "--out", out]
        jobs.append(_timed("judge", judge, env("judge")))
        for i in range(1, count + 1):
            shard = [*figures, "--shard", f"{i}/{count}"]
            shard += ["--from", out, "--out", str(root / f"out-{i}")]
            jobs.append(_timed(f"shard {i}/{count}", shard, env(f"c{i}")))
        build_env = env("build")
        outs = [str(p) for p in sorted(root.glob("out-*"))]
        merge = [python, "-m", "gen_src", "merge", *outs]
        merge += ["--into", build_env["GEN_CACHE_DIR"]]
        mkdocs = [python, "-m", "mkdocs", "build", "--strict"]
        offline = [*mkdocs, "--site-dir", str(root / "site-offline")]
        archive = [python, "-m", "gen_src", "zip", str(root / "site-offline")]
        archive += [str(root / "site-offline.zip")]
        mkdocs += ["--site-dir", str(root / "site")]
        started = time.perf_counter()
        _timed("merge", merge, build_env)
        _timed("offline", offline, {**build_env, "GEN_OFFLINE": "true"})
        _timed("zip", archive, build_env)
        _timed("mkdocs build", mkdocs, build_env)
        jobs.append(
            {
                "job": "build",
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    longest = max(jobs, key=lambda j: j["seconds"])
    result = {
        "profile": profile,
        "shards": count,
        "cores": os.cpu_count(),
        "device": runtime.device_name(runtime.resolve_device("auto")),
        "jobs": jobs,
        "longest": longest,
    }
    print("\njob            wall")
    for job in jobs:
        print(f"{job['job']:<14} {job['seconds'] / 60:5.1f} min")
    print(f"longest: {longest['job']}, {longest['seconds'] / 60:.1f} min")
    path = runtime.home() / "bench" / f"shards-{profile}.json"
    path.parent.mkdir(exist_ok=True)
    part = path.with_suffix(".part")
    part.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    part.replace(path)
    return result
