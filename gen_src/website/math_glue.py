"""Inline math and the punctuation around it stay on one line.

A typeset formula is an inline element, and the browser may break the
line between it and the comma after it: a line then starts with "，" or
"。", which Chinese typesetting forbids (and "x\\n," reads badly in
English too). `glue` wraps each inline formula with the punctuation
right after it (and an opening bracket right before it) in
<span class="math-nobr">, which site.css keeps from breaking.
"""

from __future__ import annotations

import re

CLASS = "math-nobr"
OPENING = "（(［[｛{“‘《「『〈【"
CLOSING = "，。、；：！？）］｝」』》〉】”’,.;:!?)]}…%"
_INLINE = r'<mjx-container (?![^>]*display="true")[^>]*>.*?</mjx-container>'
GLUED = re.compile(
    rf"(?P<open>[{re.escape(OPENING)}]*)"
    rf'(?P<math><span class="arithmatex">{_INLINE}</span>|{_INLINE})'
    rf"(?P<close>[{re.escape(CLOSING)}]*)",
    re.S,
)


def _wrap(match: re.Match) -> str:
    if not match["open"] and not match["close"]:
        return match[0]
    return f'<span class="{CLASS}">{match[0]}</span>'


def glue(html: str) -> str:
    """html with each inline formula and its punctuation unbreakable."""
    return GLUED.sub(_wrap, html)
