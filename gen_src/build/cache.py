"""The cache of trained runs and rendered figures, outside docs/.

Layout under the cache root (default .cache/gen_src, or GEN_CACHE_DIR):

    runs/<run>-<profile>-<key>/      weights.safetensors, tensors.safetensors,
                                     record.json
    figures/<figure>-<key>/          figure.png, record.json

An entry is written into a temporary folder beside its final place and
renamed into place only when complete, so an interrupted build (Ctrl-C, a
crash) never leaves a half-written entry. A lock file keeps two builds from
training the same run at once. Weights use safetensors, never pickle.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

KEY_VERSION = "1"  # bump to invalidate every entry after a format change
TMP_PREFIX = ".tmp-"


class CacheError(RuntimeError):
    """The cache folder cannot be used; the message names the setting."""


def digest(*parts: object) -> str:
    h = hashlib.sha256(KEY_VERSION.encode())
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:20]


class Cache:
    def __init__(self, root: Path, setting: str = "GEN_CACHE_DIR"):
        self.root = Path(root)
        self._depth = 0
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = tempfile.NamedTemporaryFile(dir=self.root, delete=True)
            probe.close()
        except OSError as err:
            raise CacheError(
                f"the cache folder {self.root} (set by {setting}) is not "
                f"writable: {err.strerror}. Point {setting} at a writable "
                "folder, or fix the folder's permissions."
            ) from err

    def run_dir(self, name: str, profile: str, key: str) -> Path:
        return self.root / "runs" / f"{name}-{profile}-{key}"

    def figure_dir(self, name: str, key: str) -> Path:
        return self.root / "figures" / f"{name}-{key}"

    def notebook_dir(self, name: str, key: str) -> Path:
        return self.root / "notebooks" / f"{name}-{key}"

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the cache's lock (blocks while another build holds it).

        Re-entrant within one process: training a run may need another
        run (the classifier) while the lock is held.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            self._depth = 1
            try:
                self._clean_leftovers()
                yield
            finally:
                self._depth = 0
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write_entry(self, final: Path, write: Callable[[Path], None]) -> None:
        """Call write(tmp_folder), then move the folder to final at once."""
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(
            tempfile.mkdtemp(dir=final.parent, prefix=TMP_PREFIX + final.name)
        )
        try:
            write(tmp)
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
        except BaseException:  # Ctrl-C included: leave nothing behind
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def discard(self, entry: Path) -> None:
        shutil.rmtree(entry, ignore_errors=True)

    def _clean_leftovers(self) -> None:
        """Remove temporary folders of builds that were killed outright.

        Called with the lock held: no other build is writing now.
        """
        for sub in ("runs", "figures", "notebooks"):
            for tmp in (self.root / sub).glob(TMP_PREFIX + "*"):
                shutil.rmtree(tmp, ignore_errors=True)


def write_json(path: Path, data: dict) -> None:
    path.write_text(
        json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8"
    )


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
