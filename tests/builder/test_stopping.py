"""Stopping at once (gen_src/builder/stopping.py): the one line a signal
prints, the handler of the main process (raise, or defer to an event
loop), and a worker's way out (SIGINT ignored; SIGTERM or its parent's
death: kill, clean up, exit 143). The workers are real processes here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from subprocess_env import clean_environment

from gen_src.builder import stopping

ROOT = Path(__file__).resolve().parents[2]
DONE = "stopped, nothing half-made was kept"


@pytest.fixture(autouse=True)
def clean_state():
    """Each test starts and ends with the module's state and this
    process's handlers as they were."""
    state = dict(stopping._state)
    lists = (list(stopping._doing), list(stopping._killers))
    writing = set(stopping._writing)
    handlers = {sig: signal.getsignal(sig) for sig in stopping.SIGNALS}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    stopping._state.clear()
    stopping._state.update(state)
    stopping._doing[:], stopping._killers[:] = lists
    stopping._writing.clear()
    stopping._writing.update(writing)


def send(signum: int) -> None:
    """Signal this process; the handler runs before os.kill returns
    (CPython checks for signals there), the sleep is a margin."""
    os.kill(os.getpid(), signum)
    time.sleep(0.05)


# -- Interrupted and line -----------------------------------------------


def test_interrupted_is_a_keyboard_interrupt_that_names_its_signal():
    err = stopping.Interrupted(signal.SIGTERM)
    assert isinstance(err, KeyboardInterrupt)
    assert err.signal == signal.SIGTERM
    assert str(err) == "SIGTERM"


def test_the_line_names_the_innermost_work_or_the_base():
    stopping.install("mkdocs build")
    assert stopping.line(signal.SIGINT) == (
        f"interrupted (SIGINT) while running mkdocs build: {DONE}"
    )
    with stopping.doing("training run vae"):
        with stopping.doing("executing docs/notebooks/gan.py"):
            assert "while executing docs/notebooks/gan.py:" in (
                stopping.line(signal.SIGTERM)
            )
        assert stopping.line(signal.SIGTERM) == (
            f"interrupted (SIGTERM) while training run vae: {DONE}"
        )
    assert "while running mkdocs build:" in stopping.line(signal.SIGINT)


def test_work_named_by_a_function_is_named_as_it_is_when_the_signal_comes():
    left = ["vae", "cvae"]
    with stopping.doing(lambda: "training runs " + ", ".join(left)):
        assert "while training runs vae, cvae:" in stopping.line(2)
        left.remove("vae")
        assert "while training runs cvae:" in stopping.line(2)


def test_the_work_is_forgotten_when_it_fails():
    stopping.install("python -m gen_src figures")
    with pytest.raises(ValueError):
        with stopping.doing("training run vae"):
            raise ValueError("diverged")
    assert "while running python -m gen_src figures:" in stopping.line(2)


# -- the main process ---------------------------------------------------


def test_install_takes_both_signals_and_undo_gives_them_back():
    before = {sig: signal.getsignal(sig) for sig in stopping.SIGNALS}
    undo = stopping.install("mkdocs serve")
    assert all(
        signal.getsignal(sig) is stopping.handle for sig in stopping.SIGNALS
    )
    undo()
    assert {sig: signal.getsignal(sig) for sig in stopping.SIGNALS} == before
    assert stopping._state["base"] == ""


def test_install_outside_the_main_thread_changes_nothing():
    """Only the main thread may set handlers: elsewhere, install and
    reinstall leave them, and undo does nothing."""
    before = {sig: signal.getsignal(sig) for sig in stopping.SIGNALS}
    errors: list = []

    def elsewhere():
        try:
            stopping.install("in a thread")()
            stopping.reinstall()
        except Exception as err:  # reported below
            errors.append(err)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert errors == []
    assert {sig: signal.getsignal(sig) for sig in stopping.SIGNALS} == before
    assert stopping._state["base"] != "in a thread"


@pytest.mark.parametrize("signum", stopping.SIGNALS)
def test_a_signal_kills_the_kernels_prints_one_line_and_raises(signum, capfd):
    killed: list[str] = []
    stopping.install("mkdocs build")
    stopping._killers.append(lambda: killed.append("kernel"))
    with pytest.raises(stopping.Interrupted) as err:
        with stopping.doing("training run vae"):
            send(signum)
    assert err.value.signal == signum == stopping.stopped()
    assert killed == ["kernel"]
    name = signal.Signals(signum).name
    assert capfd.readouterr().err == (
        f"interrupted ({name}) while training run vae: {DONE}\n"
    )


def test_inside_deferred_a_signal_kills_but_raises_nothing(capfd):
    """An event loop winding down checks stopped() itself; a second
    signal kills again but prints no second line."""
    kills: list[str] = []
    stopping.install("mkdocs build")
    with stopping.deferred(lambda: kills.append("kill")):
        send(signal.SIGINT)
        assert stopping.stopped() == signal.SIGINT
        send(signal.SIGTERM)
    assert kills == ["kill", "kill"]
    assert stopping.stopped() == signal.SIGINT  # the first one
    assert capfd.readouterr().err.count("interrupted") == 1
    assert stopping._killers == [] and stopping._state["deferred"] == 0


def test_a_kill_that_fails_does_not_stop_the_others(capfd):
    killed: list[str] = []

    def broken():
        raise OSError("the kernel is gone already")

    stopping.install("mkdocs build")
    with stopping.deferred(broken):
        with stopping.deferred(lambda: killed.append("second")):
            stopping.handle(signal.SIGTERM)
    assert killed == ["second"]
    assert stopping.stopped() == signal.SIGTERM


def test_reinstall_takes_the_signals_back_from_an_event_loop():
    stopping.install("mkdocs serve")
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    stopping.reinstall()
    assert all(
        signal.getsignal(sig) is stopping.handle for sig in stopping.SIGNALS
    )


def test_reinstall_without_install_leaves_the_handlers():
    stopping._state.update(base="", worker=False)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    stopping.reinstall()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_worker_leaves_sigint_to_its_parent():
    """In a worker, SIGINT sets nothing and raises nothing; reinstall
    puts back what as_worker set."""
    stopping._state["worker"] = True
    stopping.handle(signal.SIGINT)
    assert stopping.stopped() is None
    stopping.reinstall()
    assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    assert signal.getsignal(signal.SIGTERM) is stopping.handle


def test_writing_names_a_folder_only_while_it_is_written(tmp_path):
    with pytest.raises(RuntimeError):
        with stopping.writing(tmp_path / "entry"):
            assert tmp_path / "entry" in stopping._writing
            raise RuntimeError("make failed")
    assert tmp_path / "entry" not in stopping._writing


# -- workers, as processes ----------------------------------------------

PRELUDE = """
import os, signal, sys, time
from pathlib import Path
from gen_src.builder import stopping
here = Path(sys.argv[1])
"""


def python(code: str, folder: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code), str(folder)],
        cwd=ROOT,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_a_worker_ignores_sigint_and_dies_cleanly_on_sigterm(tmp_path):
    """SIGINT changes nothing; SIGTERM kills its kernel, removes the
    folder it was writing and exits with 143 (128 + SIGTERM)."""
    proc = python(
        """
        stopping.as_worker(os.getppid())
        entry = here / "entry"
        entry.mkdir()
        kill = lambda: (here / "kernel-killed").touch()
        with stopping.deferred(kill), stopping.writing(entry):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
            print("alive after SIGINT", flush=True)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(10)
        print("alive after SIGTERM", flush=True)
        """,
        tmp_path,
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert out == "alive after SIGINT\n"
    assert (tmp_path / "kernel-killed").exists()
    assert not (tmp_path / "entry").exists()


def test_a_worker_whose_parent_is_gone_already_stops_at_once(tmp_path):
    """Given a parent that is not its parent (it died before the worker
    started), the worker cleans up and exits 143."""
    proc = python(
        """
        entry = here / "entry"
        entry.mkdir()
        with stopping.writing(entry):
            stopping.as_worker(os.getppid() + 100000)
            print("still running", flush=True)
        """,
        tmp_path,
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert out == ""
    assert not (tmp_path / "entry").exists()


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG"
)
def test_a_worker_stops_when_its_parent_dies(tmp_path):
    """A parent starts a worker and is killed outright (SIGKILL): the
    worker removes its half-written folder and exits by itself."""
    parent = python(
        """
        import subprocess
        worker = subprocess.Popen([sys.executable, "-c", '''
        import os, sys, time
        from pathlib import Path
        from gen_src.builder import stopping
        here = Path(sys.argv[1])
        stopping.as_worker(int(sys.argv[2]))
        (here / "entry").mkdir()
        with stopping.writing(here / "entry"):
            (here / "pid").write_text(str(os.getpid()))
            time.sleep(60)
        '''.replace("\\n        ", "\\n"), str(here), str(os.getpid())])
        time.sleep(60)
        """,
        tmp_path,
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "pid").exists():
            assert time.monotonic() < deadline, parent.stderr.read()
            time.sleep(0.05)
        worker = int((tmp_path / "pid").read_text())
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while (tmp_path / "entry").exists() or _alive(worker):
            assert time.monotonic() < deadline, "the worker outlived it"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.communicate()


def _alive(pid: int) -> bool:
    """Is pid running (not gone, not a zombie waiting for init)?"""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"
