"""The Node process that runs MathJax (math_svg.js): one per build.

It starts on the first formula a warm cache lacks, takes one JSON request
a line on stdin and answers one JSON line on stdout.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

SCRIPT = Path(__file__).with_name("math_svg.js")
MATHJAX_DIR = Path("node_modules") / "mathjax"


class MathError(RuntimeError):
    """Math that cannot be typeset; the message names the page and TeX."""


class MissingToolError(RuntimeError):
    """Node or the mathjax package is missing: says how to install it."""


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class MathJax:
    """MathJax in Node, started when first asked."""

    def __init__(self, root: Path):
        self.root = root
        self.mathjax = root / MATHJAX_DIR
        self.proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def stamp(self) -> str:
        """What the results depend on: MathJax's version and the script."""
        package = self.mathjax / "package.json"
        if not package.is_file() or not (self.mathjax / "es5").is_dir():
            raise MissingToolError(
                f"{self.mathjax} is missing, so math cannot be typeset. "
                "Run `make setup` (it runs `npm ci`), or `npm ci` in the "
                "repository root."
            )
        version = json.loads(package.read_text("utf-8"))["version"]
        return sha(f"mathjax {version}\n" + SCRIPT.read_text("utf-8"))

    def ask(self, request: dict) -> tuple[dict, bool]:
        """MathJax's reply, and whether Node had to be started for it."""
        with self._lock:
            started = self.proc is None or self.proc.poll() is not None
            proc = self._node()
            proc.stdin.write(
                (json.dumps(request, ensure_ascii=False) + "\n").encode()
            )
            proc.stdin.flush()
            reply = self._read()
        if "error" in reply:
            raise MathError(f"the MathJax process failed: {reply['error']}")
        return reply, started

    def _node(self) -> subprocess.Popen:
        if self.proc is not None and self.proc.poll() is None:
            return self.proc
        node = shutil.which("node")
        if node is None:
            raise MissingToolError(
                "node is missing, so math cannot be typeset at build time. "
                "Install Node.js 18 or newer (Debian: apt-get install "
                "nodejs npm), then run `make setup`."
            )
        self.stamp()  # names a missing mathjax package
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [node, str(SCRIPT), str(self.mathjax)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=self.root,
        )
        ready = self._read()
        if "ready" not in ready:
            raise MathError(f"MathJax did not start: {ready}")
        return self.proc

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self._stderr.seek(0)
            err = self._stderr.read().decode("utf-8", "replace").strip()
            self.proc = None
            raise MathError(
                f"the MathJax process ({SCRIPT.name}) stopped: {err[-2000:]}"
            )
        return json.loads(line)

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.stdin.close()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
