"""Shared fixtures. The whole suite runs in the `smoke` profile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# tests/docs_lint: the readers of the pages' sources the translation
# tests share (--import-mode=importlib puts no test folder on the path)
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("GEN_PROFILE", "smoke")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built strictly (both languages) once per test session."""
    out = tmp_path_factory.mktemp("site")
    config = os.environ.get("GEN_MKDOCS_CONFIG", "mkdocs.yml")
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--config-file",
        config,
        "--site-dir",
        str(out),
    ]
    env = {**os.environ, "GEN_PROFILE": os.environ["GEN_PROFILE"]}
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{proc.stderr[-6000:]}")
    return out
