"""Stopping a build stops everything at once (issue 23): within 5 s no
worker, notebook kernel or Node process is left, one line on stderr says
what was interrupted, no traceback, nothing half-made in the cache and no
lock held. Each case starts cold, so that the work runs in spawned
workers, and stops it while a worker trains or a kernel executes.

The grid covers each entry point and each way of stopping, not their
cross product: the main process's handler is one function for them all
(gen_src.builder.stopping), installed by cli.main or by the hook, and what
differs is what runs when the signal comes:
- Ctrl-C (SIGINT to the process group) also reaches the workers, which
  must leave it to the parent; SIGINT or SIGTERM to the main process
  alone must reach them through it; SIGKILL to the main process leaves
  them to stop by themselves;
- notebooks run in kernels (in workers, or in the main process when only
  one is missing); figures, bench and MkDocs train runs in workers first.
Node (math) runs after all of that: with the figures off it starts at
once.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

KERNEL = "ipykernel_launcher"
WORKER = "spawn_main"
NODE = "math_svg.js"
GROUP_INT, INT, TERM, KILL = "ctrl-c", "SIGINT", "SIGTERM", "parent dies"
# (command, what runs when the signal comes, how it is stopped,
#  exit status, what the one line names)
CASES = {
    "notebooks-ctrl-c": (
        ["gen_src", "notebooks", "--only", "gan", "vae"],
        KERNEL,
        GROUP_INT,
        130,
        "executing notebooks gan, vae",
    ),
    "notebooks-term": (
        ["gen_src", "notebooks", "--only", "gan", "vae"],
        KERNEL,
        TERM,
        143,
        "executing notebooks gan, vae",
    ),
    "notebooks-parent-dies": (
        ["gen_src", "notebooks", "--only", "gan", "vae"],
        KERNEL,
        KILL,
        -9,
        None,
    ),
    "one-notebook-int": (  # its kernel is the main process's child
        ["gen_src", "notebooks", "--only", "gan"],
        KERNEL,
        INT,
        130,
        "executing docs/notebooks/gan.py",
    ),
    "figures-int": (["gen_src", "figures"], WORKER, INT, 130, "training"),
    "bench-ctrl-c": (
        ["gen_src", "bench", "quality", "--profile", "smoke"],
        WORKER,
        GROUP_INT,
        130,
        "training",
    ),
    "mkdocs-build-ctrl-c": (
        ["mkdocs", "build"],
        WORKER,
        GROUP_INT,
        1,
        "training",
    ),
    "mkdocs-build-term": (["mkdocs", "build"], WORKER, TERM, 1, "training"),
    "mkdocs-build-parent-dies": (["mkdocs", "build"], WORKER, KILL, -9, None),
    # serve trains in the background (website/background.py): the line
    # names that training, and it stops with the serve
    "mkdocs-serve-term": (
        ["mkdocs", "serve"],
        WORKER,
        TERM,
        1,
        "in the background",
    ),
    "mkdocs-serve-ctrl-c": (
        ["mkdocs", "serve"],
        WORKER,
        GROUP_INT,
        1,  # during its first build: click's "Aborted!"
        "in the background",
    ),
    "mkdocs-build-node-int": (
        ["mkdocs", "build"],
        NODE,
        INT,
        1,
        "running mkdocs build",
    ),
}


def _processes() -> dict[int, tuple]:
    """pid -> (parent pid, state, start time, command line, environment),
    from /proc."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, ppid, started = fields[0], int(fields[1]), fields[19]
        out[int(entry)] = (
            ppid,
            state,
            started,
            cmdline.decode(errors="replace"),
            environ,
        )
    return out


def _descendants(root: int, table: dict) -> set[tuple[int, str]]:
    """The descendants of root, each as (pid, start time): a pid used
    again later is another process."""
    found, todo = set(), [root]
    while todo:
        parent = todo.pop()
        children = {p for p, row in table.items() if row[0] == parent}
        todo += [p for p in children if (p, table[p][2]) not in found]
        found |= {(p, table[p][2]) for p in children}
    return found


def _left(seen: set[tuple[int, str]], marker: bytes) -> dict[int, str]:
    """Live processes of this build: seen as the main process's
    descendants, or anywhere (orphans, adopted by init or a subreaper)
    with the build's private cache in their environment."""
    return {
        pid: f"{pid} (parent {ppid}): {cmd.replace(chr(0), ' ')[:90]}"
        for pid, (ppid, state, started, cmd, env) in _processes().items()
        if state not in "ZX" and ((pid, started) in seen or marker in env)
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process, how: str) -> None:
    if how == GROUP_INT:  # what a terminal's Ctrl-C sends
        os.killpg(process.pid, signal.SIGINT)
    else:
        sig = {INT: signal.SIGINT, TERM: signal.SIGTERM}.get(how)
        process.send_signal(sig or signal.SIGKILL)


def _nothing_half_made(cache: Path) -> None:
    """What a second build finds: no temporary folder, every entry whole,
    no lock held."""
    from gen_src.builder import cache as cache_mod

    assert not list(cache.rglob(f"{cache_mod.TMP_PREFIX}*"))
    store = cache_mod.Cache(cache)
    for kind in ("runs", "figures", "notebooks"):
        for entry in (cache / kind).glob("*"):
            store.check_entry(entry)  # raises DamagedEntry
    for lock in (cache / "locks").glob("*.lock"):
        with open(lock) as handle:  # raises BlockingIOError if held
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_stop_leaves_nothing_running(project, tools, tmp_path, case):
    argv, running, how, status, named = CASES[case]
    cache = tmp_path.resolve() / "cache"  # as the kernels see it
    env = tools.environment(project, GEN_CACHE_DIR=str(cache))
    if running == NODE:  # straight to the pages and their math
        env["GEN_FIGURES"] = "off"
    marker = f"GEN_CACHE_DIR={cache}".encode()
    if argv[0] == "mkdocs":
        argv = argv + ["-f", str(project / "mkdocs.yml")]
        if argv[1] == "serve":
            argv += ["--dev-addr", f"127.0.0.1:{_free_port()}"]
        else:
            argv += ["-d", str(tmp_path / "site")]
    err_path = tmp_path / "stderr.txt"
    with open(err_path, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", *argv],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # its own group, as in a terminal
        )
        seen: set[tuple[int, str]] = set()

        def started() -> bool:
            table = _processes()
            seen.update(_descendants(process.pid, table))
            assert process.poll() is None, err_path.read_text()[-3000:]
            commands = [table[p][3] for p, _ in seen if p in table]
            if running in (KERNEL, NODE):  # a notebook, or math, under way
                return any(running in c for c in commands)
            return "training " in err_path.read_text() and any(
                WORKER in c for c in commands
            )

        try:
            tools.wait_for(started, 180, f"a {running} process")
            time.sleep(1.0 if running == KERNEL else 0.3)
            seen.update(_descendants(process.pid, _processes()))
            sent = time.monotonic()
            _stop(process, how)
            while _left(seen, marker) or process.poll() is None:
                if time.monotonic() - sent > 30:
                    break
                time.sleep(0.05)
            stopped = time.monotonic() - sent
            left = _left(seen, marker)
        finally:  # whatever the outcome, leave nothing running
            process.kill()
            process.wait()
            for pid in _left(seen, marker):
                os.kill(pid, signal.SIGKILL)
    stderr = err_path.read_text()
    assert not left, list(left.values())
    assert stopped < 5, f"took {stopped:.1f} s to stop"
    assert process.returncode == status, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = [x for x in stderr.splitlines() if x.startswith("interrupted (")]
    if named is None:  # killed outright: it says nothing
        assert not lines, lines
    else:
        assert len(lines) == 1, stderr[-3000:]
        assert named in lines[0] and "nothing half-made" in lines[0]
    assert "FAILED" not in stderr  # not taken for a failing cell
    _nothing_half_made(cache)
