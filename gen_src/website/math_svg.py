"""Math typeset at build time: TeX on the pages becomes SVG.

Pages ship finished formulas and no math script. MathJax 3 (the npm
package `mathjax`, installed by `npm ci`) runs in one Node process per
build (gen_src/website/math_svg.js), fed the formulas of one page at a
time; each result is cached under the cache folder (math/STAMP.jsonl, one
JSON record a line, each with a checksum), so a warm build starts no Node
at all, and both languages share the formulas they have in common.

What is typeset is what the runtime MathJax used to typeset (found by
math_scan.py); Node runs in math_node.py; this module keeps the cache and
rewrites the pages.

The SVG is MathJax's own, with its "global" font cache: a formula draws
its glyphs with <use xlink:href="#MJX-TEX-I-1D465">, and each page carries
the glyphs it uses once, in a hidden <svg> at the end of its content (so
that Material's instant navigation, which swaps the content, brings the
glyphs along). The container keeps MathJax's MathML for screen readers;
formulas stay out of the search index.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gen_src.website import math_cache, math_glue
from gen_src.website.math_node import (  # noqa: F401 (the hook's errors)
    MathError,
    MathJax,
    MissingToolError,
    sha,
)
from gen_src.website.math_scan import Formula, find, find_in_text

CSS_URI = "assets/mathjax-svg.css"
FONT_CACHE_ID = "MJX-SVG-global-cache"

USE = re.compile(r'xlink:href="#(MJX-[^"]+)"')
# After MathJax's own rules: TeX that failed (under `mkdocs serve` only;
# a build stops instead).
EXTRA_CSS = """
.math-error {
  color: #c62828;
  font-family: monospace;
}
"""


@dataclass
class Stats:
    formulas: int = 0  # on the pages, counting repeats
    typeset: int = 0  # by Node, this process
    node_seconds: float = 0.0
    started_node: bool = False


class Typesetter(math_cache.Results):
    """Typesets pages' math; one per process (see the hook)."""

    def __init__(self, root: Path, cache_dir: Path):
        self.node = MathJax(root)
        self.cache_dir = Path(cache_dir) / "math"
        self._loaded = False
        self.formulas: dict[Formula, str] = {}
        self.glyphs: dict[str, str] = {}
        self.css: str | None = None
        self.used: set[Formula] = set()
        self.stats = Stats()
        self._records = 0

    def stamp(self) -> str:
        """What the results depend on: MathJax's version and the script."""
        return self.node.stamp()

    def _ask(self, request: dict) -> dict:
        started = time.perf_counter()
        reply, new = self.node.ask(request)
        self.stats.started_node |= new
        self.stats.node_seconds += time.perf_counter() - started
        return reply

    def close(self) -> None:
        self.node.close()

    # Typesetting -------------------------------------------------------

    def stylesheet(self) -> str:
        """MathJax's CSS for its SVG output."""
        self._load()
        if self.css is None:
            css = self._ask({"stylesheet": True})["css"]
            self.css = css
            self._append([self._record("css", css)])
        return self.css

    def stylesheet_file(self) -> Path:
        """The stylesheet as a file (the site publishes it at CSS_URI)."""
        css = self.stylesheet() + EXTRA_CSS
        path = self.cache_dir / f"{self.stamp()}.css"
        if not path.is_file() or path.read_text("utf-8") != css:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(css)
            os.replace(tmp, path)
        for stale in self.cache_dir.glob("*.css"):
            if stale != path:
                stale.unlink(missing_ok=True)
        return path

    def typeset(self, formulas: list[Formula]) -> dict[Formula, object]:
        """SVG for each formula (from the cache, or from Node), or the
        TeX error as a MathError."""
        self._load()
        wanted = list(dict.fromkeys(formulas))
        self.used.update(wanted)
        missing = [f for f in wanted if f not in self.formulas]
        out: dict[Formula, object] = {}
        if missing:
            reply = self._ask(
                {
                    "formulas": [
                        {"tex": f.tex, "display": f.display} for f in missing
                    ]
                }
            )
            records = []
            for gid, path in reply["glyphs"].items():
                if self.glyphs.get(gid) != path:
                    self.glyphs[gid] = path
                    records.append(self._record("glyph", path, id=gid))
            for formula, result in zip(missing, reply["results"]):
                if "error" in result:
                    out[formula] = MathError(result["error"])
                    continue
                self.formulas[formula] = result["html"]
                records.append(
                    self._record(
                        "formula",
                        result["html"],
                        tex=formula.tex,
                        display=formula.display,
                    )
                )
            self.stats.typeset += len(missing)
            self._append(records)
        for formula in wanted:
            out.setdefault(formula, self.formulas.get(formula))
        return out

    def page(self, content: str, where: str) -> tuple[str, list[str]]:
        """The page's HTML content with its math typeset, and the TeX
        errors (each naming `where` and the formula; such a formula is
        left as it was, marked as an error)."""
        runs = []  # (start, end, text, math in the text)
        for start, end, text in find(content):
            items = find_in_text(text)
            if items:
                runs.append((start, end, text, items))
        if not runs:
            return content, []
        formulas = [
            item
            for *_, items in runs
            for _a, _b, item in items
            if isinstance(item, Formula)
        ]
        self.stats.formulas += len(formulas)
        done = self.typeset(formulas)
        errors: list[str] = []
        out, pos = [], 0
        for start, end, text, items in runs:
            # the run is rebuilt from its unescaped text
            out.append(content[pos:start])
            cursor = 0
            for a, b, item in items:
                out.append(html.escape(text[cursor:a], quote=False))
                result = "$" if item == "$" else done[item]
                if isinstance(result, str):
                    out.append(_unsearched(result))
                else:
                    errors.append(
                        f"{where}: TeX error in {text[a:b]!r}: {result}"
                    )
                    out.append(
                        '<span class="math-error" title="'
                        f'{html.escape(str(result))}">'
                        f"{html.escape(text[a:b], quote=False)}</span>"
                    )
                cursor = b
            out.append(html.escape(text[cursor:], quote=False))
            pos = end
        out.append(content[pos:])
        body = math_glue.glue("".join(out))
        return body + self.font_cache(body), errors

    def font_cache(self, body: str) -> str:
        """The hidden <svg> with every glyph the page's formulas use."""
        ids = sorted(set(USE.findall(body)))
        if not ids:
            return ""
        paths = "".join(
            f'<path id="{gid}" d="{self.glyphs[gid]}"></path>'
            for gid in ids
            if gid in self.glyphs
        )
        return (
            f'\n<svg id="{FONT_CACHE_ID}" style="display: none;" '
            f'data-search-exclude aria-hidden="true"><defs>{paths}</defs>'
            "</svg>"
        )


def _unsearched(container: str) -> str:
    """Keep the formula out of the search index (Material's parser skips
    an element marked data-search-exclude)."""
    return container.replace(
        "<mjx-container ", "<mjx-container data-search-exclude ", 1
    )


__all__ = [
    "CSS_URI",
    "Formula",
    "MathError",
    "MissingToolError",
    "Typesetter",
    "find",
    "find_in_text",
]
