"""Stopping at once: Ctrl-C, SIGTERM, or the parent's death.

The main process (`python -m gen_src`, or MkDocs through the hook) turns
SIGINT and SIGTERM into KeyboardInterrupt, after one line on stderr that
names what it was doing; the pool's workers and the notebook kernels die
on the way out (gen_src.builder.workers, gen_src.builder.notebook_kernel). A
worker ignores SIGINT, as the parent decides; on SIGTERM, or when its
parent dies, it kills its kernel, removes the cache folder it was
writing and exits. Entries are written whole or not at all, and locks
are flock()s, which die with their process: nothing half-made is kept.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_state = {"base": "", "stopped": None, "worker": False, "deferred": 0}
_doing: list[Callable[[], str]] = []  # innermost last
_killers: list[Callable[[], None]] = []  # kernels to kill on a signal
_writing: set[Path] = set()  # cache folders half-written


class Interrupted(KeyboardInterrupt):
    """A signal stopped the work; .signal is its number."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signal = signum


def install(base: str) -> Callable[[], None]:
    """Handle SIGINT and SIGTERM in this (main) process; base names the
    work when nothing more precise is known. Returns what undoes it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    _state.update(base=base, stopped=None)
    saved = {sig: signal.signal(sig, handle) for sig in SIGNALS}

    def undo() -> None:
        _state.update(base="", stopped=None)
        for sig, handler in saved.items():
            signal.signal(sig, handler)

    return undo


def reinstall() -> None:
    """Take the signals back from an event loop that took them."""
    if threading.current_thread() is not threading.main_thread():
        return
    if _state["worker"]:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, handle)
    elif _state["base"]:
        for sig in SIGNALS:
            signal.signal(sig, handle)


def stopped() -> int | None:
    """The signal that stopped this process, if one did."""
    return _state["stopped"]


def line(signum: int) -> str:
    """The one line that says what was interrupted."""
    what = _doing[-1]() if _doing else f"running {_state['base']}"
    return (
        f"interrupted ({signal.Signals(signum).name}) while {what}: "
        "stopped, nothing half-made was kept"
    )


@contextlib.contextmanager
def doing(what: str | Callable[[], str]) -> Iterator[None]:
    """Name the work in hand, for the line a signal prints."""
    _doing.append(what if callable(what) else lambda: what)
    try:
        yield
    finally:
        _doing.pop()


@contextlib.contextmanager
def deferred(kill: Callable[[], None]) -> Iterator[None]:
    """Inside, a signal calls kill() but raises nothing: the caller
    (an event loop that must wind down) checks stopped() on its way out.
    A worker calls kill() before it exits."""
    _killers.append(kill)
    _state["deferred"] += 1
    try:
        yield
    finally:
        _state["deferred"] -= 1
        _killers.remove(kill)


def left_running(
    what: Callable[[], str], kill: Callable[[], None]
) -> Callable[[], None]:
    """Work this process started and goes on without (serve's training
    in the background): a signal names it and kill()s it. Returns what
    forgets it."""
    _doing.append(what)
    _killers.append(kill)

    def forget() -> None:
        with contextlib.suppress(ValueError):
            _doing.remove(what)
        with contextlib.suppress(ValueError):
            _killers.remove(kill)

    return forget


@contextlib.contextmanager
def writing(folder: Path) -> Iterator[None]:
    """A folder a killed worker removes before it exits."""
    _writing.add(folder)
    try:
        yield
    finally:
        _writing.discard(folder)


def handle(signum: int, frame=None) -> None:
    """The handler of SIGINT and SIGTERM, in the main process and in the
    workers."""
    if _state["worker"]:
        if signum != signal.SIGINT:
            _die()
        return
    _kill_all()
    if _state["stopped"] is not None:
        return  # stopping already; a second signal changes nothing
    _state["stopped"] = signum
    text = line(signum) + "\n"
    if os.isatty(2):
        text = "\n" + text  # after the terminal's ^C
    with contextlib.suppress(OSError):
        os.write(2, text.encode())  # not through stderr's lock
    if not _state["deferred"]:
        raise Interrupted(signum)


def _kill_all() -> None:
    for kill in list(_killers):
        with contextlib.suppress(Exception):
            kill()


def _die() -> None:
    _kill_all()
    for folder in list(_writing):
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(128 + signal.SIGTERM)


def as_worker(parent: int) -> None:
    """Make this process a worker of parent: SIGINT is the parent's to
    act on; SIGTERM, or the parent's death, stops it at once."""
    _state["worker"] = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, handle)
    if sys.platform.startswith("linux"):
        # PR_SET_PDEATHSIG: the kernel sends SIGTERM when the parent dies
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)
    else:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before prctl
        _die()


def _watch(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)
