"""Where the math is on a page: what the runtime MathJax searched.

`\\(..\\)`, `\\[..\\]` and `\\begin{..}..\\end{..}` in the elements
pymdownx.arithmatex makes, and also `$..$` and `$$..$$` in a notebook's
Markdown cells (classes jp-MarkdownOutput, jp-RenderedHTML); never in code,
pre, script or style. math_svg.py typesets what is found here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# The runtime MathJax's settings (formerly docs/assets/math-config.js):
# delimiters, and the classes whose text is searched for them.
INLINE = (("\\(", "\\)"), ("$", "$"))
DISPLAY = (("\\[", "\\]"), ("$$", "$$"))
PROCESS_CLASS = re.compile(
    r"(?:^|\s)(?:arithmatex|jp-RenderedHTML|jp-MarkdownOutput)(?:\s|$)"
)
SKIP_TAGS = {
    "script",
    "noscript",
    "style",
    "textarea",
    "pre",
    "code",
    "annotation",
    "annotation-xml",
    "svg",
    "math",
}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(?P<end>/)?(?P<tag>[A-Za-z][\w:-]*)"
    r"(?P<attrs>(?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)"
    r"\s*(?P<close>/)?>",
    re.S,
)
CLASS_ATTR = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool


# --- finding the math ---------------------------------------------------


def _start_pattern() -> re.Pattern:
    delimiters = sorted(
        {d[0] for d in (*INLINE, *DISPLAY)}, key=len, reverse=True
    )
    parts = [re.escape(d) for d in delimiters]
    parts.append(r"\\begin\{([^}]*)\}")  # processEnvironments
    parts.append(r"\\*\\\$")  # processEscapes: \$ is a dollar sign
    return re.compile("|".join(parts))


START = _start_pattern()
ENDS = {start: (end, False) for start, end in INLINE} | {
    start: (end, True) for start, end in DISPLAY
}


def _end_of(text: str, pos: int, end: str) -> int | None:
    """Where the math that starts at pos ends (after `end`), as MathJax's
    FindTeX does it: braces must balance and \\x escapes x."""
    pattern = re.compile(re.escape(end) + r"|\\.|[{}]", re.S)
    depth = 0
    for match in pattern.finditer(text, pos):
        token = match.group(0)
        if token == end and depth == 0:
            return match.end()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
    return None


def _end_of_environment(text: str, pos: int, name: str) -> int | None:
    pattern = re.compile(
        r"\\(begin|end)\{" + re.escape(name) + r"\}|\\.|[{}]", re.S
    )
    nesting = 1
    for match in pattern.finditer(text, pos):
        if match.group(1) == "begin":
            nesting += 1
        elif match.group(1) == "end":
            nesting -= 1
            if nesting == 0:
                return match.end()
    return None


def find_in_text(text: str) -> list[tuple[int, int, Formula | str]]:
    """Math in one string of text (no tags): (start, end, formula) spans,
    or (start, end, "$") for an escaped dollar sign."""
    found = []
    pos = 0
    while True:
        match = START.search(text, pos)
        if match is None:
            return found
        token = match.group(0)
        if token.endswith("\\$"):
            if len(token) % 2 == 0:  # an odd number of backslashes
                start = match.end() - 2
                found.append((start, match.end(), "$"))
            pos = match.end()
            continue
        if match.group(1) is not None:  # \begin{name}
            end = _end_of_environment(text, match.end(), match.group(1))
            if end is None:
                pos = match.end()
                continue
            tex = text[match.start() : end]
            found.append((match.start(), end, Formula(tex, True)))
            pos = end
            continue
        close, display = ENDS[token]
        end = _end_of(text, match.end(), close)
        if end is None:
            pos = match.end()
            continue
        tex = text[match.end() : end - len(close)].strip()
        if tex:
            found.append((match.start(), end, Formula(tex, display)))
        pos = end


def _classes(attrs: str) -> str | None:
    match = CLASS_ATTR.search(attrs)
    if match is None:
        return None
    return next(g for g in match.groups() if g is not None)


def find(content: str) -> list[tuple[int, int, str]]:
    """The text runs of a page's HTML content that MathJax would search:
    inside an element of a process class, out of any element with another
    class (an element without a class follows its parent), and out of
    code, pre, script and style. Returns (start, end, unescaped text)."""
    runs = []
    stack: list[tuple[str, bool]] = []  # (tag, searched inside)
    searched = False  # the content sits in <article class="md-typeset">
    pos = 0
    for token in TOKEN.finditer(content):
        if searched and token.start() > pos:
            runs.append(
                (
                    pos,
                    token.start(),
                    html.unescape(content[pos : token.start()]),
                )
            )
        pos = token.end()
        tag = (token.group("tag") or "").lower()
        if not tag:  # a comment
            continue
        if token.group("end"):
            names = [t for t, _ in stack]
            if tag in names:
                while stack:
                    popped, _ = stack.pop()
                    if popped == tag:
                        break
                searched = stack[-1][1] if stack else False
            continue
        if tag in VOID or token.group("close"):
            continue
        classes = _classes(token.group("attrs") or "")
        if tag in SKIP_TAGS:
            inside = False
        elif classes is None:
            inside = searched
        else:
            inside = bool(PROCESS_CLASS.search(classes))
        stack.append((tag, inside))
        searched = inside
    if searched and pos < len(content):
        runs.append((pos, len(content), html.unescape(content[pos:])))
    return runs
