"""The search index, written smaller.

Material's search plugin (and static-i18n, which merges the languages
into one index) write search/search_index.json with every non-ASCII
character escaped: each Chinese character, and each U+200B that jieba's
segmentation puts between words, takes six bytes instead of three. Every
page loads this file at start, so it is written again here, the same
data in plain UTF-8 without spaces. Formulas are kept out of it on the
pages themselves (math_svg marks them data-search-exclude).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

INDEX = Path("search") / "search_index.json"


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
