"""Ctrl-C and SIGTERM stop a build at once, with exit status 130 or 143,
and leave nothing half-made in the cache. Before, nbclient's handler shut
the notebook's kernel down, the build took it for a failing cell and went
on through the other notebooks for another 30 to 50 s."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

# notebooks in smoke; a toy GAN in quick (in smoke it trains in 0.1 s)
CASES = {
    "notebooks": (["gan", "vae"], "smoke", "executing notebook"),
    "figures": (["gan_ring_training"], "quick", "training toy_ring_ns"),
}


@pytest.mark.parametrize(
    "sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)]
)
@pytest.mark.parametrize("command", sorted(CASES))
def test_a_signal_stops_the_build_at_once(
    project, tools, tmp_path, sig, status, command
):
    only, profile, started = CASES[command]
    cache = tmp_path / "cache"
    env = tools.environment(project)
    env.update(GEN_PROFILE=profile, GEN_CACHE_DIR=str(cache))
    log_path = tmp_path / "build.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gen_src", command, "--only", *only],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        tools.wait_for(
            lambda: started in log_path.read_text(), 120, f"'{started}'"
        )
        time.sleep(2)  # well inside the work
        sent = time.monotonic()
        process.send_signal(sig)
        code = process.wait(timeout=30)
        stopped = time.monotonic() - sent
    out = log_path.read_text()
    assert code == status, out[-2000:]
    assert stopped < 10, f"took {stopped:.1f} s to stop"
    assert "FAILED" not in out  # not taken for a failing cell
    assert "interrupted" in out
    unfinished = {
        "notebooks": [p for p in (cache / "notebooks").glob("*")],
        "figures": [
            p for sub in ("runs", "figures") for p in (cache / sub).glob("*")
        ],
    }[command]
    assert not unfinished, unfinished  # neither entries nor .tmp- folders
