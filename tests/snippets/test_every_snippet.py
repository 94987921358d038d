"""Every program in snippets/: it has its tests, it runs from the command
line with --help, and its docstring names a page that exists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gen_src import snippet

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(p.stem for p in snippet.FOLDER.glob("*.py"))


@pytest.mark.parametrize("name", NAMES)
def test_has_its_own_tests(name):
    assert (Path(__file__).parent / f"test_{name}.py").is_file(), (
        f"snippets/{name}.py has no tests/snippets/test_{name}.py"
    )


@pytest.mark.parametrize("name", NAMES)
def test_help_lists_the_options_and_runs_nothing(name):
    proc = subprocess.run(
        [sys.executable, str(snippet.path(name)), "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: ")
    assert "training" not in proc.stderr  # nothing was trained
