"""`![caption](fig:NAME){ attrs }` on a page -> a trained figure.

The image becomes figures/NAME.png, or figures/NAME.LANG.png where the
figure was drawn in the page's language (gen_src/builder/drawing.py), inside
a <figure> with the caption and the provenance line. An unknown NAME is an
error naming the page; a figure that failed to build becomes an error box
(under `mkdocs serve`) or an error (under `mkdocs build`).
"""

from __future__ import annotations

import posixpath
import re

from mkdocs.structure.files import File

from gen_src.builder import registry
from gen_src.website import png
from gen_src.website.background import StillTraining
from gen_src.website.page_context import DirectiveError, PageContext
from gen_src.website.provenance import provenance_html

FIG_REF = re.compile(
    r"!\[(?P<caption>(?:[^\]\\]|\\.)*)\]\(fig:(?P<name>[A-Za-z0-9_-]+)\)"
    r"(?P<attrs>\{[^}\n]*\})?"
)
FIGURE_DIR = "figures"


class FigureBuildError(DirectiveError, RuntimeError):
    """A figure could not be made: names the figure, the page, the cause."""


def referenced(markdown: str) -> list[str]:
    return [m["name"] for m in FIG_REF.finditer(markdown)]


def site_path(name: str, suffix: str = ".png") -> str:
    return f"{FIGURE_DIR}/{name}{suffix}"


def image_path(result, lang: str) -> str:
    """The drawing a page in lang shows: its own, or the shared one."""
    own = lang in result.languages
    return site_path(result.name, f".{lang}.png" if own else ".png")


def publish(files, config, results: dict, cache_dir) -> None:
    """Add every figure's drawings and its record (NAME.json) to the
    site; the pictures re-encoded smaller, with the same look."""
    for name, result in results.items():
        if isinstance(result, Exception):
            continue
        published = {
            site_path(name): png.shrunk(result.png, cache_dir),
            site_path(name, ".json"): result.png.with_name("record.json"),
        }
        for lang, path in result.languages.items():
            published[site_path(name, f".{lang}.png")] = png.shrunk(
                path, cache_dir
            )
        for uri, src in published.items():
            if files.get_file_from_path(uri) is None:
                files.append(
                    File.generated(config, uri, abs_src_path=str(src))
                )


def expand(markdown: str, page: PageContext) -> str:
    """Replace every fig: reference on the page; with the pipeline off
    (page.results None), the caption alone stands for each."""
    if page.results is None:
        return placeholders(markdown, page.src)

    def one(match: re.Match) -> str:
        name, caption = match["name"], match["caption"]
        try:
            registry.figure(name, page=page.where)
        except registry.UnknownFigureError as err:
            return page.fail(str(err.args[0]), FigureBuildError, "div")
        result = page.results.get(name)
        if isinstance(result, StillTraining):  # serve: a box until then
            return result.box(page.lang)
        if result is None or isinstance(result, Exception):
            cause = result or "it was not built"
            text = (
                f"figure {name!r} on {page.where} failed: "
                f"{type(cause).__name__}: {cause}"
            )
            return page.fail(text, FigureBuildError, "div")
        rel = posixpath.relpath(
            image_path(result, page.lang), posixpath.dirname(page.src) or "."
        )
        attrs = match["attrs"] or ""
        prov = provenance_html(result.record, page.lang)
        return (
            f'<figure class="trained-figure" markdown="span">\n'
            f"![{caption}]({rel}){attrs}\n"
            f'<figcaption markdown="span">{caption}'
            # the provenance line stays out of the search index: every
            # figure repeats it, and every page loads the index
            f'<span class="provenance" data-search-exclude>{prov}</span>'
            "</figcaption>\n"
            f"</figure>"
        )

    return FIG_REF.sub(one, markdown)


def placeholders(markdown: str, page_src: str) -> str:
    """With the pipeline switched off: the caption alone, no picture."""

    def one(match: re.Match) -> str:
        registry.figure(match["name"], page=f"docs/{page_src}")
        return (
            f'<figure class="trained-figure"><figcaption>'
            f"{match['caption']} ({match['name']})</figcaption></figure>"
        )

    return FIG_REF.sub(one, markdown)
