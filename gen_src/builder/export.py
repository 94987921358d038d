"""Exports for the site's live figures: what the browser needs of a run.

A live figure (WIDGETS of a plot module, gen_src/plots/*.py, read by
live_figures.py) shows runs; the browser gets, for each, one export made
from the cached run (export_contents.py: a decoder, or a replay;
export_sampler.py: a diffusion or flow matching network), in the files
export_format.py writes.

Each export is a cache entry keyed by the run's key and these modules'
sources, so a warm build exports nothing again. The export refuses
weights whose decoding in float16 strays from PyTorch's.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from . import cache as cache_mod
from . import export_contents, export_format, export_sampler, live_figures

log = logging.getLogger("gen_src.export")
FOLDER = "widgets"  # where the site publishes the exports
MAKERS = {**export_contents.MAKERS, **export_sampler.MAKERS}


# -- results and the cache --------------------------------------------------
@dataclass
class Export:
    run: str
    kind: str
    stem: str  # the published files are FOLDER/stem.json, .bin, .js
    folder: Path  # the cache entry
    record: dict
    made: bool = False  # False when it came from the cache

    def transfer_bytes(self) -> int:
        """What a page served over http loads: manifest and data."""
        return sum(
            (self.folder / name).stat().st_size
            for name in ("manifest.json", "data.bin")
        )

    def files(self) -> dict[str, Path]:
        """published name -> file in the cache entry"""
        return {
            f"{self.stem}.json": self.folder / "manifest.json",
            f"{self.stem}.bin": self.folder / "data.bin",
            f"{self.stem}.js": self.folder / "data.js",
        }


# the code an export depends on besides the run (whose key covers its own)
_HERE = Path(__file__).resolve().parent
_SOURCES = (
    Path(__file__),
    _HERE / "export_format.py",
    _HERE / "export_contents.py",
    _HERE / "export_sampler.py",
    _HERE / "float16_rounding.py",
    _HERE.parent / "plots" / "common.py",
)


def export_key(pipe, run: str, kind: str) -> str:
    return cache_mod.digest(
        "export",
        export_format.FORMAT,
        run,
        kind,
        *(p.read_bytes() for p in _SOURCES),
        pipe.located_key(run),
    )


class Exporter:
    """Exports for one pipeline; memoised per process (static-i18n runs
    every hook event once per language)."""

    def __init__(self, pipe):
        self.pipe = pipe
        self._known: dict[str, tuple[str, Export]] = {}

    def export(self, run: str, kind: str) -> Export:
        key = export_key(self.pipe, run, kind)
        known = self._known.get(run)
        if known is not None and known[0] == key:  # made in this process
            return dataclasses.replace(known[1], made=False)
        entry = self.pipe.cache.root / "exports" / f"{run}-{key}"
        stem = f"{run}-{key[:12]}"
        result = self.pipe.cache.entry(
            entry,
            lambda e: _load(run, kind, stem, e),
            lambda e: self._make(run, kind, stem, e),
            f"exporting {run}",
        )
        self._known[run] = (key, result)
        return result

    def _make(self, run, kind, stem, entry: Path) -> Export:
        started = time.perf_counter()
        loaded, record = self.pipe.run(run)
        blocks, extra = MAKERS[kind](loaded, record)
        self.pipe.cache.write_entry(
            entry,
            lambda tmp: export_format.write(
                tmp, stem, kind, record, blocks, extra
            ),
        )
        log.info("exported %s in %.1f s", run, time.perf_counter() - started)
        plain = export_format.plain(record)
        return Export(run, kind, stem, entry, plain, True)

    def build(self, waiting: dict | None = None) -> dict[str, object]:
        """Every widget's runs: an Export or the exception; for a run in
        waiting (not trained yet, under serve), what it waits for."""
        out: dict[str, object] = {}
        for run, kind in live_figures.exports_needed().items():
            if waiting and run in waiting:
                out[run] = waiting[run]
                continue
            try:
                out[run] = self.export(run, kind)
            except KeyboardInterrupt:
                raise
            except Exception as err:  # reported per run by the caller
                out[run] = err
        return out


def _load(run, kind, stem, entry: Path) -> Export:
    manifest = cache_mod.read_json(entry / "manifest.json")
    if manifest.get("stem") != stem or manifest.get("kind") != kind:
        raise ValueError("manifest.json describes another export")
    return Export(run, kind, stem, entry, manifest["record"])
