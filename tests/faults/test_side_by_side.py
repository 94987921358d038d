"""Notebooks executed side by side, in workers: a failing cell is its own
notebook's fault, named by file, line and cell as when they execute one
by one, and the other notebook is still made."""

from __future__ import annotations

import re
import subprocess
import sys


def test_a_notebook_failing_in_a_worker_is_its_own_fault(
    project, tools, tmp_path
):
    script = project / "docs" / "notebooks" / "gan.py"
    script.write_text(
        script.read_text(encoding="utf-8")
        + '\n# %%\nraise ValueError("broken on purpose")\n',
        encoding="utf-8",
    )
    env = tools.environment(
        project, GEN_CACHE_DIR=str(tmp_path / "cache"), GEN_WORKERS="2"
    )
    done = subprocess.run(
        [sys.executable, "-m", "gen_src", "notebooks", "--only", "gan", "vae"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = done.stdout + done.stderr
    assert done.returncode != 0, out[-2000:]
    assert "2 notebooks side by side: 2 workers" in out
    failed = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert failed and all(line.startswith("FAILED gan") for line in failed)
    line = len(script.read_text(encoding="utf-8").splitlines())
    assert f"docs/notebooks/gan.py:{line}" in out, out[-2000:]
    assert "broken on purpose" in out
    assert re.search(r"^vae +en +made", done.stdout, re.M), done.stdout
