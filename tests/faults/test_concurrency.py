"""Two builds sharing a cold cache make every entry once. Before, only the
final write was locked: they drew 38 figures for 21 and executed 19
notebooks for 10, and one build could read an entry while the other was
replacing it."""

from __future__ import annotations

import subprocess
import sys

FIGURES = ["gan_ring_training", "gan_order_compare", "gan_d_heatmap"]
RUNS = {"toy_ring_ns", "toy_ring_gfirst"}


def test_two_builds_on_a_cold_cache_make_each_entry_once(tools, tmp_path):
    env = tools.environment(tools.ROOT)
    env.update(GEN_CACHE_DIR=str(tmp_path / "cache"), GEN_PROFILE="smoke")
    env.pop("PYTHONPATH")
    command = [sys.executable, "-m", "gen_src", "figures", "--only", *FIGURES]
    builds = [
        subprocess.Popen(
            command,
            cwd=tools.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    logs = [b.communicate(timeout=600)[0] for b in builds]
    assert all(b.returncode == 0 for b in builds), logs
    both = "\n".join(logs)
    drawn = [
        line.split()[0] for line in both.splitlines() if " drawn " in line
    ]
    trained = [
        line.split()[1]
        for line in both.splitlines()
        if line.startswith("trained ")
    ]
    assert sorted(drawn) == sorted(FIGURES), both  # each drawn once
    assert sorted(trained) == sorted(RUNS), both  # each trained once
    cached = [
        line.split()[0] for line in both.splitlines() if " cached " in line
    ]
    assert sorted(cached) == sorted(FIGURES)  # the other build read them
