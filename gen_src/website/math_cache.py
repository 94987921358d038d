"""The typeset math's cache: math/STAMP.jsonl under the cache folder.

One JSON record a line (a formula's SVG, a glyph's path, or MathJax's
CSS), each with its checksum, appended in one write so that two builds can
share the file; a damaged or cut-short line is typeset again. STAMP names
MathJax's version and the script, so another MathJax starts a new file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from gen_src.website.math_node import sha
from gen_src.website.math_scan import Formula


class Results:
    """What was typeset, as the Typesetter keeps it: formulas, glyphs and
    the CSS, loaded from the file once and appended to it."""

    cache_dir: Path
    formulas: dict[Formula, str]
    glyphs: dict[str, str]
    css: str | None
    used: set[Formula]
    _loaded: bool
    _records: int

    def stamp(self) -> str:
        raise NotImplementedError

    @property
    def cache_file(self) -> Path:
        return self.cache_dir / f"{self.stamp()}.jsonl"

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        path = self.cache_file
        if not path.is_file():
            return
        for line in path.read_bytes().splitlines():
            try:
                record = json.loads(line)
                self._take(record)
                self._records += 1
            except (ValueError, KeyError, TypeError):
                continue  # a cut-short or damaged line: typeset it again

    def _take(self, record: dict) -> None:
        """Check a cache record (its checksum) and keep what it holds."""
        kind = record["kind"]
        value = record["value"]
        if record["sha"] != sha(value):
            raise ValueError("checksum")
        if kind == "formula":
            key = Formula(record["tex"], bool(record["display"]))
            self.formulas[key] = value
        elif kind == "glyph":
            self.glyphs[record["id"]] = value
        elif kind == "css":
            self.css = value
        else:
            raise KeyError(kind)

    @staticmethod
    def _record(kind: str, value: str, **extra) -> dict:
        return {"kind": kind, **extra, "value": value, "sha": sha(value)}

    def _append(self, records: list[dict]) -> None:
        if not records:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        data = "".join(
            json.dumps(r, ensure_ascii=False) + "\n" for r in records
        ).encode("utf-8")
        fd = os.open(
            self.cache_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644
        )
        try:
            os.write(fd, data)  # one write: whole lines, even when two
        finally:  # builds share the cache
            os.close(fd)
        self._records += len(records)
        for stale in self.cache_dir.glob("*.jsonl"):
            if stale != self.cache_file:  # another MathJax or script
                stale.unlink(missing_ok=True)

    def compact(self) -> None:
        """Rewrite the cache with the formulas used since begin_cycle(), if
        it holds many others (formulas since edited away)."""
        self._load()
        used = self.used & set(self.formulas)
        if not used or self._records <= 1.25 * (
            len(used) + len(self.glyphs) + 1
        ):
            return
        records = [self._record("css", self.css)] if self.css else []
        records += [
            self._record("glyph", path, id=gid)
            for gid, path in sorted(self.glyphs.items())
        ]
        records += [
            self._record(
                "formula", self.formulas[f], tex=f.tex, display=f.display
            )
            for f in sorted(used, key=lambda f: (f.tex, f.display))
        ]
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, self.cache_file)
        self._records = len(records)

    def begin_cycle(self) -> None:
        """A new build (both languages) starts: forget what was used."""
        self.used = set()

    # Node --------------------------------------------------------------
