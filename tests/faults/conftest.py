"""Fixtures for the fault suite: a copy of the project to break, and a
`mkdocs serve` running on it."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from subprocess_env import clean_environment

ROOT = Path(__file__).resolve().parents[2]
SHARED_CACHE = ROOT / ".cache" / "gen_src"  # smoke entries of the suite


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    return [p for p in out.decode().split("\0") if p]


@pytest.fixture
def project(tmp_path) -> Path:
    """The tracked files of the repository, copied, with node_modules and
    data linked: a project the test may break without harm."""
    copy = tmp_path / "project"
    for rel in tracked_files():
        src, dst = ROOT / rel, copy / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(os.readlink(src))
        elif src.is_file():
            shutil.copy2(src, dst)
    for name in ("node_modules", "data"):
        (copy / name).symlink_to(ROOT / name)
    return copy


def environment(project: Path, **extra) -> dict:
    """Run with the copy's gen_src (first on the path), smoke profile."""
    env = clean_environment(
        PYTHONPATH=str(project),
        GEN_PROFILE="smoke",
        GEN_DEVICE="cpu",
        GEN_CACHE_DIR=str(SHARED_CACHE),
        NO_MKDOCS_2_WARNING="1",
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, ""


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (OSError, urllib.error.URLError) as err:
            last = err
        time.sleep(0.5)
    raise AssertionError(
        f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})"
    )


@contextlib.contextmanager
def serving(project: Path, folder: Path, **env):
    """`mkdocs serve` on a loopback port over the copy, until the block
    ends; a handle with .url, .process, .log() (what it printed so far).
    It is back when the first page answers."""
    port = free_port()
    log = open(folder / "serve.log", "w+")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--dev-addr",
            f"127.0.0.1:{port}",
            "-f",
            str(project / "mkdocs.yml"),
        ],
        cwd=project,
        env=environment(project, **env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    class Handle:
        url = f"http://127.0.0.1:{port}/"

        def log(self) -> str:
            log.flush()
            return (folder / "serve.log").read_text()

    handle = Handle()
    handle.process = process
    try:
        wait_for(lambda: get(handle.url)[0] == 200, 300, "the first page")
        yield handle
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def serve(project, tmp_path):
    """`mkdocs serve` over the copy, its figures drawn: what the shared
    cache lacks trains in the background first (notebooks off)."""
    with serving(project, tmp_path, GEN_NOTEBOOKS="off") as handle:
        wait_for(
            lambda: "still-training" not in get(handle.url + "vae/")[1],
            300,
            "the runs training in the background",
        )
        yield handle


@pytest.fixture
def tools():
    """The helpers above, for the tests (test modules cannot import each
    other under --import-mode=importlib)."""
    import types

    return types.SimpleNamespace(
        get=get,
        wait_for=wait_for,
        serving=serving,
        environment=environment,
        ROOT=ROOT,
        SHARED_CACHE=SHARED_CACHE,
    )
