"""`python -m gen_src bench serve`: how soon a cold `mkdocs serve` answers.

Starts `mkdocs serve` on a loopback port over an empty cache (no run
trained, no formula typeset) and prints the seconds until
- the first page answers (the target: 30 s on 2 cores);
- no page shows a box of a run still training: every figure is drawn;
- the training in the background is done, its notebooks too.
Writes bench/serve-PROFILE.json.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .. import runtime

PAGES = (
    "",
    "overview/",
    "gan/",
    "gan_remedies/",
    "dcgan/",
    "autoencoder/",
    "vae/",
    "cvae/",
    "evaluation/",
    "zh/vae/",
)
BOX = "still-training"


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except (OSError, urllib.error.URLError):
        return None


def _wait(check, started: float, limit: float, what: str) -> float:
    """Seconds from started until check() holds."""
    while not check():
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"no {what} after {limit:.0f} s")
        time.sleep(0.5)
    return round(time.perf_counter() - started, 1)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(profile: str = "quick", limit: float = 3600) -> dict:
    """Time a cold `mkdocs serve` (see the module's docstring)."""
    from .bench import _write

    with tempfile.TemporaryDirectory() as tmp:
        url = f"http://127.0.0.1:{_port()}/"
        env = {
            **os.environ,
            "GEN_PROFILE": profile,
            "GEN_CACHE_DIR": tmp,
            "NO_MKDOCS_2_WARNING": "1",
        }
        log = open(Path(tmp) / "serve.log", "w")
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", url[7:-1]],
            cwd=runtime.home(),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        progress = Path(tmp) / "serve" / "progress.json"
        try:
            first = _wait(lambda: _get(url + "vae/"), started, limit, "page")
            boxes = (_get(url + "vae/") or "").count(BOX)
            drawn = _wait(
                lambda: all(BOX not in (_get(url + p) or BOX) for p in PAGES),
                started,
                limit,
                "page without a box",
            )
            done = _wait(
                lambda: (
                    '"stage": "done"' in _read(progress)
                    and BOX not in (_get(url + "notebooks/vae/") or BOX)
                ),
                started,
                limit,
                "end of the background",
            )
        finally:
            process.terminate()
            process.wait(30)
            log.close()
    result = {
        "profile": profile,
        "cpus": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "first_page_seconds": first,
        "boxes_on_the_first_page": boxes,
        "every_figure_seconds": drawn,
        "all_done_seconds": done,
    }
    print(
        f"cold mkdocs serve ({profile} profile, {os.cpu_count()} cores): "
        f"first page in {first:.1f} s ({boxes} figures still training), "
        f"every figure in {drawn:.1f} s, notebooks too in {done:.1f} s"
    )
    print(f"written: {_write(f'serve-{profile}', result)}")
    return result


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
