"""Drawing a figure: once with its words as the plots write them
(English), then once more for each language whose table changes them.

A plot marks its words with tr() (gen_src/plots/common.py), and the
drawing records which it used (record.json: words). A language gets a
drawing of its own only when its table (strings.figure_words) changes one
of them, so a figure without words is drawn once and shared. That drawing
is its own cache entry, keyed by the figure's key, the language, its
words and its font: cached and reused like the first, and made from the
cached runs (nothing is retrained for a language).
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .. import family
from . import cache as cache_mod
from . import fresh_modules, registry, strings

log = logging.getLogger("gen_src.pipeline")
RECORD = ("figure", "runs", "words")


class MissingFontError(RuntimeError):
    """A language's figures need a font that is not installed."""


@dataclass
class FigureResult:
    name: str
    png: Path  # drawn with the plots' own (English) words
    record: dict
    trained: bool = False  # False when it came from the cache
    # language -> its own drawing, where its table changes the words
    languages: dict[str, Path] = field(default_factory=dict)

    def png_for(self, lang: str) -> Path:
        return self.languages.get(lang, self.png)


def plots(spec: registry.FigureSpec):
    """The plot module that draws spec, checked against the contract."""
    module = fresh_modules.current(spec.module)
    family.check_plots(module)
    return module


def figure(pipe, spec: registry.FigureSpec, key: str) -> FigureResult:
    """Every drawing of the figure, from the cache or drawn now."""
    result = _entry(pipe, spec, pipe.cache.figure_dir(spec.name, key))
    for lang in strings.languages():
        table = strings.figure_words(lang)
        words = {
            w: table[w] for w in result.record["words"] if table.get(w, w) != w
        }
        if not words:
            continue
        text = strings.table(lang)["text"]
        own = cache_mod.digest(
            key,
            Path(__file__).read_bytes(),  # how languages are drawn
            lang,
            json.dumps(words, sort_keys=True, ensure_ascii=False),
            text["figure_font"],
        )
        entry = pipe.cache.figure_dir(f"{spec.name}.{lang}", own)
        drawn = _entry(pipe, spec, entry, lang, words)
        result.languages[lang] = drawn.png
        result.trained = result.trained or drawn.trained
    return result


def _entry(pipe, spec, entry: Path, lang=None, words=None) -> FigureResult:
    return pipe.cache.entry(
        entry,
        lambda e: _load(spec.name, e),
        lambda e: _render(pipe, spec, e, lang, words),
        f"drawing {spec.name}",
    )


def _load(name: str, entry: Path) -> FigureResult:
    record = cache_mod.read_record(entry / "record.json", RECORD)
    if not all(isinstance(record[k], list) for k in RECORD[1:]):
        raise ValueError("record.json: runs or words is not a list")
    return FigureResult(name, entry / "figure.png", record)


def _render(pipe, spec, entry: Path, lang, words) -> FigureResult:
    started = time.perf_counter()
    loaded = [pipe.run(r) for r in spec.runs]
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, from any thread
    import matplotlib.pyplot as plt

    from ..plots import common

    _, draw = plots(spec).FIGURES[spec.name]
    font = language_font(lang) if lang else None
    # the language's font first: mathtext draws the words around $...$
    # in the first font alone (a box for "$x$（奈特）" in DejaVu Sans)
    rc = {"font.family": [font, *matplotlib.rcParams["font.family"]]}
    with (
        matplotlib.rc_context(rc if font else {}),
        common.words(words) as used,
        _NoBoxes() as boxes,
    ):
        fig = draw(*[run for run, _ in loaded])
        record = {
            "figure": spec.name,
            "runs": [rec for _, rec in loaded],
            "words": sorted(used),
        }

        def write(tmp: Path) -> None:
            fig.savefig(tmp / "figure.png", dpi=150, bbox_inches="tight")
            boxes.check()
            cache_mod.write_json(tmp / "record.json", record)

        try:
            pipe.cache.write_entry(entry, write)  # under the entry's lock
        finally:
            plt.close(fig)
    log.info(
        "drew %s%s in %.1f s",
        spec.name,
        f" ({lang})" if lang else "",
        time.perf_counter() - started,
    )
    return FigureResult(spec.name, entry / "figure.png", record, True)


def language_font(lang: str) -> str | None:
    """The font lang's figures are drawn in, before matplotlib's own
    (its table's [text] figure_font), or None: matplotlib's."""
    text = strings.table(lang)["text"]
    font = text["figure_font"]
    if font and not _installed(font):
        raise MissingFontError(
            f"the {lang} figures need the font {font!r}, which is not "
            f"installed: run `make setup`, or `apt-get install "
            f"{text['figure_font_package'] or 'a package with it'}`"
        )
    return font or None


def _installed(font: str) -> bool:
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if any(f.name == font for f in manager.ttflist):
        return True
    # installed after matplotlib cached its list of fonts: add new files
    known = {f.fname for f in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue  # not a font matplotlib reads
    return any(f.name == font for f in manager.ttflist)


class _NoBoxes(logging.Handler):
    """Fails a drawing where matplotlib would draw a box for a glyph no
    font has: mathtext logs it, Agg warns."""

    LOGGER = "matplotlib.mathtext"

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen: list[str] = []
        self._warnings = warnings.catch_warnings()

    def emit(self, record: logging.LogRecord) -> None:
        if "dummy symbol" in record.getMessage():
            self.seen.append(record.getMessage())

    def check(self) -> None:
        if self.seen:
            raise MissingFontError(f"a box, not a glyph: {self.seen[0]}")

    def __enter__(self):
        logging.getLogger(self.LOGGER).addHandler(self)
        self._warnings.__enter__()
        warnings.filterwarnings("error", "Glyph .* missing from font")
        return self

    def __exit__(self, kind, err, tb) -> None:
        self._warnings.__exit__(kind, err, tb)
        logging.getLogger(self.LOGGER).removeHandler(self)
        if isinstance(err, UserWarning) and "Glyph" in str(err):
            raise MissingFontError(f"a box, not a glyph: {err}") from None
