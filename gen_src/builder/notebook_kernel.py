"""Executing a notebook with nbclient, as the build does.

The kernel gets the pipeline's settings in its environment, so that
`pipeline.trained("vae")` loads the run the figures were drawn from;
exercise cells are skipped (they are for the reader). Faults: Ctrl-C or
SIGTERM kills the kernel and raises KeyboardInterrupt (nbclient's own
handler would take it for a failing cell); a kernel that dies says so;
a failing cell is named by its file, line and number in the author's
script. Used by gen_src.builder.notebooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

from . import stopping
from .notebook_source import ROOT, NotebookError, Source, where

TIMEOUT_S = 600  # per cell
# Code cells tagged `# %% tags=["exercise"]` (the "Try it yourself"
# starters) are published unexecuted, for the reader; the installed-package
# test executes every cell of every downloaded notebook.
EXERCISE = "exercise"


@contextlib.contextmanager
def _environment(settings):
    """The kernel inherits these: the notebook uses the build's settings."""
    saved = dict(os.environ)
    os.environ.update(
        {
            "GEN_PROFILE": settings.profile,
            "GEN_DEVICE": settings.device,
            "GEN_CACHE_DIR": str(Path(settings.cache_dir).resolve()),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _client_class():
    from nbclient import NotebookClient

    class Client(NotebookClient):
        """nbclient, but a signal is not swallowed: nbclient's own handler
        shuts the kernel down slowly and lets the cell fail like any
        other; stopping's kills the kernel, and execute() stops the
        build (in a worker, the worker exits)."""

        running: int | None = None

        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            self.running = cell_index
            return await super().async_execute_cell(
                cell, cell_index, *args, **kwargs
            )

        async def async_start_new_kernel(self, **kwargs):
            loop = asyncio.get_event_loop()
            for sig in stopping.SIGNALS:  # over nbclient's, before start
                with contextlib.suppress(RuntimeError, ValueError):
                    loop.add_signal_handler(sig, stopping.handle, sig)
            await super().async_start_new_kernel(**kwargs)

        def kill_kernel(self) -> None:
            """At once: the kernel leads a process group of its own."""
            km = self.km
            process = getattr(
                getattr(km, "provisioner", None), "process", None
            )
            if process is None:
                return
            with contextlib.suppress(OSError):
                if os.getpgid(process.pid) == process.pid:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    os.kill(process.pid, signal.SIGKILL)
            km.cleanup_connection_file()

    return Client


def execute(nb, source: Source, settings, cwd: Path = ROOT):
    """Run every cell but the exercises, top to bottom; a failure names
    the file, line and cell. A signal raises KeyboardInterrupt."""
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    client = _client_class()(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        skip_cells_with_tag=EXERCISE,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    with (
        _environment(settings),
        stopping.doing(f"executing {source.shown}"),
        stopping.deferred(client.kill_kernel),
    ):
        try:
            client.execute()
        except BaseException as err:
            if stopping.stopped() is not None:
                raise stopping.Interrupted(stopping.stopped()) from None
            if isinstance(err, CellExecutionError):
                raise NotebookError(_failure(nb, source, err)) from err
            if isinstance(err, DeadKernelError):
                raise NotebookError(
                    f"{source.shown}: the kernel died while running "
                    f"{_running(nb, source, client.running)}: "
                    f"{str(err).strip().splitlines()[0]}"
                ) from err
            raise
        finally:
            stopping.reinstall()  # nbclient leaves the defaults behind
    if stopping.stopped() is not None:
        raise stopping.Interrupted(stopping.stopped())
    return _coalesced(nb)


def _coalesced(nb):
    """Printed text as one output per stream and run of prints: how the
    kernel split it into messages depends on timing, and would make two
    builds of one commit differ."""
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (
                output.get("output_type") == "stream"
                and last is not None
                and last.get("output_type") == "stream"
                and last.get("name") == output.get("name")
            ):
                last["text"] += output["text"]
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged
    return nb


def _running(nb, source: Source, index: int | None) -> str:
    """The cell the client was executing when the kernel died."""
    if index is None:
        return "its start-up"
    return where(source, nb, index)


def _failure(nb, source: Source, err) -> str:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = cell.source.strip().splitlines()[0][:70]
                return (
                    f"{where(source, nb, index)} ({first!r}) failed: "
                    f"{output['ename']}: {output['evalue']}"
                )
    return f"{source.shown}: {str(err).strip().splitlines()[-1]}"
