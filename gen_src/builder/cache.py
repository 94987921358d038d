"""The cache of trained runs, rendered figures and executed notebooks.

Layout under the cache root (default .cache/gen_src, or GEN_CACHE_DIR):

    runs/<run>-<profile>-<key>/      weights.safetensors, tensors.safetensors,
                                     record.json, checksums.json
    figures/<figure>-<key>/          figure.png, record.json, checksums.json
    notebooks/<name>-<key>/          NAME.ipynb, its page, pictures, ...
    configs/<run>-<profile>-<key>.json
    locks/<entry>.lock

- An entry is written into a temporary folder beside its final place and
  renamed into place only when complete, so an interrupted build (Ctrl-C,
  a crash) never leaves a half-written entry.
- Its checksums.json holds the sha256 of every file in it; an entry whose
  files do not match (a truncated picture, a bad disk) is damaged: the
  caller makes it again, with a warning.
- Each entry has its own lock, held around check, make and write: two
  builds sharing a cold cache make every entry once, and a reader never
  sees an entry being replaced. `Cache.entry` is that protocol, once.
- Weights use safetensors, never pickle.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from . import stopping

log = logging.getLogger("gen_src.cache")
T = TypeVar("T")
KEY_VERSION = "2"  # bump to invalidate every entry after a format change
TMP_PREFIX = ".tmp-"
CHECKSUMS = "checksums.json"
# What a run's record.json must hold to be used.
RUN_RECORD = (
    "run",
    "profile",
    "key",
    "config",
    "metrics",
    "seconds",
    "device",
    "torch",
    "date",
    "history",
)


class CacheError(RuntimeError):
    """The cache folder cannot be used; the message names the setting."""


class DamagedEntry(ValueError):
    """A cache entry's files do not match its checksums."""


def digest(*parts: object) -> str:
    h = hashlib.sha256(KEY_VERSION.encode())
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:20]


def file_hash(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class Cache:
    def __init__(self, root: Path, setting: str = "GEN_CACHE_DIR"):
        self.root = Path(root)
        self._held: dict[str, int] = {}  # lock name -> depth, this process
        self._guard = threading.Lock()
        self._checked: dict[Path, tuple] = {}  # entry -> stamps when good
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
    def lock(self, entry: Path) -> Iterator[None]:
        """Hold the entry's lock (blocks while another build holds it).

        Re-entrant within one process. Held around check, make and write,
        so two builds never make the same entry twice. Leftovers of a
        build that was killed outright are removed once the lock is held.
        """
        name = f"{entry.parent.name}-{entry.name}"
        with self._guard:
            depth = self._held.get(name, 0)
            self._held[name] = depth + 1
        if depth:
            try:
                yield
            finally:
                with self._guard:
                    self._held[name] -= 1
            return
        folder = self.root / "locks"
        folder.mkdir(exist_ok=True)
        with open(folder / f"{name}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                for tmp in entry.parent.glob(f"{TMP_PREFIX}{entry.name}*"):
                    shutil.rmtree(tmp, ignore_errors=True)
                yield
            finally:
                with self._guard:
                    self._held.pop(name, None)
                fcntl.flock(handle, fcntl.LOCK_UN)

    def entry(
        self,
        entry: Path,
        load: Callable[[Path], T],
        make: Callable[[Path], T],
        redo: str,
        damage: tuple[type[BaseException], ...] = (OSError, ValueError),
    ) -> T:
        """Under the entry's lock: load(entry) once its checksums hold;
        if it is missing, or damaged (load raising one of damage counts),
        a warning ends "...; {redo} again", the entry goes, and
        make(entry) makes it (writing it with write_entry)."""
        with self.lock(entry):
            if entry.exists():
                try:
                    self.check_entry(entry)
                    return load(entry)
                except damage as err:  # DamagedEntry is a ValueError
                    log.warning(
                        "cache entry %s is damaged (%s); %s again",
                        entry,
                        err,
                        redo,
                    )
                    self.discard(entry)
            return make(entry)

    def write_entry(self, final: Path, write: Callable[[Path], None]) -> None:
        """Call write(tmp_folder), record every file's checksum, then move
        the folder to final at once. Call it holding final's lock."""
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(
            tempfile.mkdtemp(dir=final.parent, prefix=TMP_PREFIX + final.name)
        )
        try:
            with stopping.writing(tmp):  # a killed worker removes it
                write(tmp)
                sums = {
                    p.name: file_hash(p)
                    for p in sorted(tmp.iterdir())
                    if p.is_file()
                }
                write_json(tmp / CHECKSUMS, sums)
                if final.exists():
                    shutil.rmtree(final)
                os.replace(tmp, final)
        except BaseException:  # Ctrl-C included: leave nothing behind
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def check_entry(self, entry: Path) -> None:
        """Raise DamagedEntry unless every file matches its checksum.

        Checked once per process for each state of the files, so a long
        `mkdocs serve` hashes an entry again only when it changed.
        """
        try:
            stamps = tuple(
                (p.name, p.stat().st_size, p.stat().st_mtime_ns)
                for p in sorted(entry.iterdir())
            )
        except OSError as err:
            raise DamagedEntry(f"{entry.name} cannot be read: {err}") from err
        if self._checked.get(entry) == stamps:
            return
        try:
            sums = read_json(entry / CHECKSUMS)
            if not isinstance(sums, dict) or not sums:
                raise ValueError("no checksums")
        except (OSError, ValueError) as err:
            raise DamagedEntry(
                f"{CHECKSUMS} is missing or damaged ({err})"
            ) from err
        for name, expected in sums.items():
            path = entry / name
            if not path.is_file():
                raise DamagedEntry(f"{name} is missing")
            if file_hash(path) != expected:
                raise DamagedEntry(f"{name} does not match its checksum")
        self._checked = {
            e: s
            for e, s in self._checked.items()
            if e.parent != entry.parent
            or e.name.rsplit("-", 1)[0] != entry.name.rsplit("-", 1)[0]
        }
        self._checked[entry] = stamps

    def discard(self, entry: Path) -> None:
        self._checked.pop(entry, None)
        shutil.rmtree(entry, ignore_errors=True)


def write_json(path: Path, data) -> None:
    path.write_text(
        json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8"
    )


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def read_record(path: Path, required: tuple[str, ...]) -> dict:
    """A record (a JSON object with the required keys), or ValueError."""
    record = read_json(path)
    if not isinstance(record, dict):
        raise ValueError(
            f"{path.name} holds {type(record).__name__}, not a record"
        )
    missing = [k for k in required if k not in record]
    if missing:
        raise ValueError(f"{path.name} lacks {', '.join(missing)}")
    return record
