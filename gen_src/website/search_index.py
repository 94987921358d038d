"""The search index, written smaller.

Material's search plugin (and static-i18n, which merges the languages
into one index) write search/search_index.json with every non-ASCII
character escaped: each Chinese character, and each U+200B that jieba's
segmentation puts between words, takes six bytes instead of three. Every
page loads this file at start, so it is written again here, the same
data in plain UTF-8 without spaces (and a run of spaces in a text as
one). The SVG of formulas is kept out of it on the pages themselves
(math_svg marks them data-search-exclude), and so are the parts of a
notebook page that repeat or label its code (see `exclude_repeats`).
Code blocks are indexed once, on the default language's pages: both
languages embed the same files, and a search that finds nothing in the
reader's language shows the other language's pages (search-language.js).

Instead, an inline formula is searched as plain text (`x̂ = d(z)`, from its
MathML: math_text), so that titles keep their math and snippets have no
gaps: `with_math_text` puts the text beside the formula in a <template>
for Material's indexer, and `without_math_text` takes it out of the
page written to disk.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from html import escape
from pathlib import Path

from gen_src.website import math_text

INDEX = Path("search") / "search_index.json"
# On a notebook page (nbconvert's HTML): each code cell's hidden copy for
# the copy button (the same code again, as text), the button's "Copied!",
# and the "In [3]:" prompts. The code itself stays searchable, once.
REPEATS = re.compile(
    r'<div(?= class="(?:clipboard-copy-txt|zeroclipboard-container'
    r"|jp-InputPrompt jp-InputArea-prompt"
    r'|jp-OutputPrompt jp-OutputArea-prompt)")'
)


# nbconvert's permalink after a heading ("¶"), which Material's indexer
# only knows under its own class name (headerlink).
ANCHOR = re.compile(r'<a(?= class="anchor-link")')
INLINE_MATH = re.compile(
    r'<mjx-container (?![^>]*display="true")[^>]*>.*?</mjx-container>', re.S
)
MATH_TEXT = '<template class="search-math">{}</template>'
PRE = re.compile(r"(<pre>.*?</pre>)", re.S)
MATH_TEXTS = re.compile(r'<template class="search-math">[^<]*</template>')


def exclude_repeats(html: str) -> str:
    """Mark what a notebook page repeats so that Material's search leaves
    it out (data-search-exclude); the page looks the same."""
    html = ANCHOR.sub("<a data-search-exclude", html)
    return REPEATS.sub("<div data-search-exclude", html)


def _with_text(match: re.Match) -> str:
    text = escape(math_text.of_container(match[0]), quote=False)
    return match[0] + MATH_TEXT.format(text)


def with_math_text(html: str) -> str:
    """Each inline formula followed by its plain text, for the index."""
    return INLINE_MATH.sub(_with_text, html)


def without_math_text(html: str) -> str:
    return MATH_TEXTS.sub("", html)


def _single_spaced(text: str) -> str:
    """Runs of spaces (a list item's indented lines) as one, out of
    code blocks."""
    parts = PRE.split(text)
    parts[::2] = [re.sub(r" {2,}", " ", part) for part in parts[::2]]
    return "".join(parts)


def compact(site_dir: Path, translations: tuple[str, ...] = ()) -> None:
    """Rewrite the index in UTF-8, single-spaced; the pages under a
    translation's folder (zh/...) without their code blocks."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return
    data = json.loads(path.read_text("utf-8"))
    for doc in data.get("docs", []):
        text = doc.get("text", "")
        if doc.get("location", "").split("/")[0] in translations:
            text = PRE.sub("", text)
        doc["text"] = _single_spaced(text)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
