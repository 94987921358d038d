"""Under `mkdocs serve`: the training the site lacks, in the background.

A cold `mkdocs serve` answers at once: the runs the figures lack train in
a process of its own (gen_src.builder.warm_up), and each page shows a box
in place of a figure still training, naming the run and when it should
end. Every write of the progress file rebuilds the site (the hook
watches its folder), so a figure replaces its box through live reload
when its run is done. An edit that changes a run's key starts the
training again for the new key. `mkdocs build` waits for everything.
"""

from __future__ import annotations

import atexit
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gen_src.builder import stopping, strings, warm_up, workers


class StillTraining(Exception):
    """A run (or a notebook) that the background has not made yet."""

    def __init__(
        self, run: str, profile: str, ends: float | None, kind="figure"
    ):
        super().__init__(f"{run} is still training")
        self.run, self.profile, self.ends = run, profile, ends
        self.kind = kind  # its box: figure, notebook or notebook_running

    def left(self, lang: str) -> str:
        """About how long, in the page's language: "about 40 s"; "a
        moment" when unknown, or when the estimate has passed."""
        words = strings.table(lang)["serve"]
        seconds = None if self.ends is None else self.ends - time.time()
        if seconds is None or seconds < 1:
            return words["unknown"]
        if seconds < 90:
            return words["seconds"].format(round(seconds))
        return words["minutes"].format(round(seconds / 60))

    def box(self, lang: str) -> str:
        """The note a page shows in place of what is not made yet."""
        text = strings.table(lang)["serve"][self.kind].format(
            run=self.run, profile=self.profile, left=self.left(lang)
        )
        return (
            f'<div class="admonition info still-training"><p>{text}</p></div>'
        )


def why_not_yet(reasons: list[Exception]) -> Exception:
    """One reason for a figure whose runs are not all in the cache: an
    error if one failed, else the run that should end last."""
    failed = [r for r in reasons if not isinstance(r, StillTraining)]
    if failed:
        return failed[0]
    return max(reasons, key=lambda r: math.inf if r.ends is None else r.ends)


def folder(cache_dir: Path) -> Path:
    """The folder the serve watches: the progress file's."""
    return Path(cache_dir) / "serve"


@dataclass
class Background:
    process: subprocess.Popen | None = None
    started_for: frozenset = frozenset()  # the (run, key)s it trains
    forget: Any = None  # undoes what a signal says and stops

    def lacking(
        self, pipe, repository: str, notebooks: bool = True
    ) -> dict[str, Exception]:
        """The runs the figures need that the cache lacks: each a
        StillTraining, or the error it failed with. Starts (or restarts,
        after an edit) the training in the background."""
        self.reap()
        lacking, broken = warm_up.lacking_runs(pipe)
        if not lacking:
            return dict(broken)
        wanted = frozenset((r, pipe.located_key(r)) for r in lacking)
        if self.process is None or not wanted <= self.started_for:
            self.start(pipe, repository, wanted, notebooks)
        progress = warm_up.read(self.progress(pipe)) or {}
        runs = progress.get("runs", {})
        ended = self.process.poll()
        out: dict[str, Exception] = dict(broken)
        for run in lacking:
            state = runs.get(run, {})
            if state.get("state") == "failed":
                out[run] = RuntimeError(f"training {run}: {state['error']}")
            elif ended is not None:
                out[run] = RuntimeError(
                    f"the training in the background ended (exit status "
                    f"{ended}) without {run}; its error is in the terminal"
                )
            else:
                out[run] = StillTraining(
                    run, pipe.settings.profile, state.get("ends")
                )
        return out

    def notebooks_pending(self, pipe) -> StillTraining | None:
        """While the background works, the notebooks wait for it."""
        if self.process is None or self.process.poll() is not None:
            return None
        progress = warm_up.read(self.progress(pipe)) or {}
        stage, profile = progress.get("stage"), pipe.settings.profile
        if stage == "done":  # it is on its way out
            return None
        if stage == "notebooks":
            return StillTraining(
                "notebooks", profile, None, "notebook_running"
            )
        runs = progress.get("runs", {}).values()
        ends = [s["ends"] for s in runs if s.get("ends") is not None]
        return StillTraining(
            "notebooks", profile, max(ends, default=None), "notebook"
        )

    def reap(self) -> None:
        """A process that ended is no longer what a signal names."""
        if self.process is not None and self.process.poll() is not None:
            if self.forget is not None:
                self.forget()
                self.forget = None

    def progress(self, pipe) -> Path:
        return folder(pipe.settings.cache_dir) / "progress.json"

    def start(
        self, pipe, repository: str, wanted: frozenset, notebooks: bool
    ) -> None:
        self.stop()
        path = self.progress(pipe)
        path.parent.mkdir(parents=True, exist_ok=True)
        runs = sorted(run for run, _ in wanted)
        slots = workers.workers_for(len(runs), pipe.settings.device)
        warm_up.Progress(path, pipe, runs, slots).write()
        s = pipe.settings
        command = [
            sys.executable,
            "-m",
            "gen_src.builder.warm_up",
            "--progress",
            str(path),
            "--parent",
            str(os.getpid()),
            "--profile",
            s.profile,
            "--device",
            s.device,
            "--cache-dir",
            str(s.cache_dir),
            "--repository",
            repository,
            *([] if notebooks else ["--no-notebooks"]),
        ]
        self.process = subprocess.Popen(command)
        self.started_for = wanted
        atexit.unregister(self.stop)  # once, however often it restarts
        atexit.register(self.stop)
        # Ctrl-C, SIGTERM: the line names this training, which stops too
        self.forget = stopping.left_running(
            lambda: (
                f"training {', '.join(runs[:3])}"
                + f" and {len(runs) - 3} more" * (len(runs) > 3)
                + " in the background"
            ),
            self.terminate,
        )

    def stop(self) -> None:
        """End the background's process (and so its workers) now."""
        self.terminate()
        self.reap()

    def terminate(self) -> None:
        """What a signal's handler calls, before it names the work."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
