"""Chinese typography: what is prose, full-width parentheses, no space
around bold or links, no traditional-only characters."""

from __future__ import annotations

import re
from pathlib import Path

from .glossary import without_avoid_cells
from .sources import (
    MASK,
    in_fences,
    notebook_markdown_lines,
    svg_text_lines,
)

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = HAN + "\u3000-\u303f\uff00-\uffef"  # and full-width punctuation
TARGET = "\x01"  # stands for a link's (target)

# Blanked before link targets are found (they may hold brackets) ...
NOT_PROSE = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"(`+)[^\n]*?\1"),  # inline code
    re.compile(r"\$\$.*?\$\$", re.S),  # display math
    re.compile(r"\\\[.*?\\\]|\\\(.*?\\\)", re.S),
    re.compile(r"(?<!\\)\$[^$\n]+\$"),  # inline math
    re.compile(r"^\s*--8<--.*$", re.M),  # embedded code
]
LINK_TARGET = re.compile(r"(?<=\])\([^)\n]*\)")
# ... and after.
NOT_PROSE_EITHER = [
    re.compile(r"<[^>\n]+>"),  # HTML tags, autolinks
    re.compile(r"\{[^}\n]*\}"),  # attribute lists
    re.compile(r"https?://[^\s)\]]+"),
]


def _blank(match: re.Match, char: str = MASK) -> str:
    return re.sub(r"[^\n]", char, match.group(0))


def mask_markdown(text: str) -> str:
    """The text with everything that is not prose blanked, character for
    character (offsets and line breaks stay): fenced code, inline code,
    math, embeds, HTML, attribute lists, URLs; a link's (target) becomes
    TARGET characters."""
    lines = text.split("\n")
    text = "\n".join(
        MASK * len(line) if fenced else line
        for line, fenced in zip(lines, in_fences(lines))
    )
    for pattern in NOT_PROSE:
        text = pattern.sub(_blank, text)
    text = LINK_TARGET.sub(lambda m: _blank(m, TARGET), text)
    for pattern in NOT_PROSE_EITHER:
        text = pattern.sub(_blank, text)
    return text


def _numbered_text(lines: list[tuple[int, str]]):
    """One text from numbered lines, and a function from an offset in it
    to the line's number and the line."""
    text = "\n".join(line for _, line in lines)
    starts = [0]
    for _, line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def where(offset: int) -> tuple[int, str]:
        i = max(k for k in range(len(lines)) if starts[k] <= offset)
        return lines[i][0], lines[i][1]

    return text, where


def _excerpt(text: str, start: int, end: int, width: int = 8) -> str:
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right == -1 else right
    return text[max(left, start - width) : min(right, end + width)]


HALF_PAREN = re.compile(rf"(?<=[{HAN}])[()]|[()](?=[{HAN}])")


def half_width_parentheses(
    lines: list[tuple[int, str]],
) -> list[tuple[int, str]]:
    """(line number, message) for each half-width parenthesis that touches
    a Chinese character in prose."""
    text, where = _numbered_text(lines)
    found = []
    for m in HALF_PAREN.finditer(mask_markdown(text)):
        n, _ = where(m.start())
        found.append(
            (
                n,
                f"half-width {m.group(0)!r} next to Chinese in "
                f'"{_excerpt(text, m.start(), m.end())}" '
                "-> use （）",
            )
        )
    return found


_NOT_BLANK_LINE = r"(?:[^\n]|\n(?![ \t]*\n))"
BOLD = re.compile(
    rf"\*\*(?=[^\s*])((?:(?!\*\*){_NOT_BLANK_LINE})+?)"
    r"(?<=[^\s*])\*\*"
)
LINK = re.compile(rf"(?<!!)\[((?:(?!\]){_NOT_BLANK_LINE})+?)\]{TARGET}+")
SPACE_BEFORE = re.compile(rf"[{CJK}][ \t]+$")
SPACE_AFTER = re.compile(rf"^[ \t]+[{CJK}]")


def _visible(inner: str) -> str:
    """The link or bold text without the Markdown marks at its ends."""
    return inner.strip("*_=~ \t\n")


def spaces_around_bold_and_links(
    lines: list[tuple[int, str]],
) -> list[tuple[int, str]]:
    """(line number, message) for each space between Chinese text and a
    **bold** span or a [link](...) whose own text is Chinese at that end."""
    text, where = _numbered_text(lines)
    masked = mask_markdown(text)
    found = []
    for kind, pattern in (("bold", BOLD), ("link", LINK)):
        for m in pattern.finditer(masked):
            inner = _visible(m.group(1))
            if not inner:
                continue
            line_start = masked.rfind("\n", 0, m.start()) + 1
            line_end = masked.find("\n", m.end())
            line_end = len(masked) if line_end == -1 else line_end
            before = masked[line_start : m.start()]
            after = masked[m.end() : line_end]
            if re.match(f"[{HAN}]", inner[0]) and SPACE_BEFORE.search(before):
                n, _ = where(m.start())
                found.append(
                    (
                        n,
                        f'space before {kind} in "'
                        f"{_excerpt(text, m.start(), m.start() + 2)}"
                        '" -> remove it',
                    )
                )
            if re.match(f"[{HAN}]", inner[-1]) and SPACE_AFTER.search(after):
                n, _ = where(m.end())
                found.append(
                    (
                        n,
                        f'space after {kind} in "'
                        f"{_excerpt(text, m.end() - 2, m.end())}"
                        '" -> remove it',
                    )
                )
    return sorted(found)


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """The numbered Markdown lines of a Chinese page or notebook."""
    if path.suffix == ".py":
        return notebook_markdown_lines(path)
    return list(enumerate(path.read_text("utf-8").split("\n"), 1))


def variant_lines(path: Path) -> list[tuple[int, str]]:
    """The numbered lines the variant check reads: a whole page or script
    (glossary Avoid cells blanked), or a diagram's text nodes."""
    text = path.read_text("utf-8")
    if path.suffix == ".svg":
        return list(enumerate(svg_text_lines(text), 1))
    return list(enumerate(without_avoid_cells(text), 1))


# Characters that exist only in Traditional Chinese (their simplified forms
# differ), so none may appear on a Simplified page. Characters shared by
# both scripts (器, 成, 算, 化, ...) are deliberately absent.
TRADITIONAL_ONLY = set(
    "們個為這對與於從學習體數據關係經網絡組聽負責鈔檢驗變動編碼斷兩稱說會來"
    "時後裡裏發現樣應過還進麼給讓種點機問題開間無實長見視層圖結構幾準確類"
    "優訓練輸損計語讀寫線區將當異義處濾積聯參隨態維邊緣測試號頻錯誤歸"
)
