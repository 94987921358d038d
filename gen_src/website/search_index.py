"""The search index, written smaller.

Material's search plugin (and static-i18n, which merges the languages
into one index) write search/search_index.json with every non-ASCII
character escaped: each Chinese character, and each U+200B that jieba's
segmentation puts between words, takes six bytes instead of three. Every
page loads this file at start, so it is written again here, the same
data in plain UTF-8 without spaces. Formulas are kept out of it on the
pages themselves (math_svg marks them data-search-exclude), and so are
the parts of a notebook page that repeat or label its code (see
`exclude_repeats`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

INDEX = Path("search") / "search_index.json"
# On a notebook page (nbconvert's HTML): each code cell's hidden copy for
# the copy button (the same code again, as text), the button's "Copied!",
# and the "In [3]:" prompts. The code itself stays searchable, once.
REPEATS = re.compile(
    r'<div(?= class="(?:clipboard-copy-txt|zeroclipboard-container'
    r"|jp-InputPrompt jp-InputArea-prompt"
    r'|jp-OutputPrompt jp-OutputArea-prompt)")'
)


def exclude_repeats(html: str) -> str:
    """Mark what a notebook page repeats so that Material's search leaves
    it out (data-search-exclude); the page looks the same."""
    return REPEATS.sub("<div data-search-exclude", html)


def compact(site_dir: Path) -> None:
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return
    data = json.loads(path.read_text("utf-8"))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
