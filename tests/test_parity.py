"""Translation parity: every English page has a Chinese twin that matches it.

Reads the Markdown sources in docs/ (no build needed). For every
docs/NAME.md there must be a docs/NAME.zh.md with

- the same number of headings (outside fenced code),
- the same embedded code: the `--8<--` targets, in order,
- the same figures: the `fig:NAME` and `pics/...` references, in order,
- the same number of display-math blocks ($$ ... $$).

The glossary (docs/glossary.md) is the contract for terms, and the only
place where they are written down. Its tables (header `| English | 中文 |
Avoid | ... |`) are parsed, and

- wherever an English page uses a glossary term, its Chinese twin must
  contain the glossary's Chinese term;
- no Chinese page, Chinese notebook or Chinese diagram (pics/*.zh.svg) may
  contain a variant from the Avoid column (e.g. 变体自动编码器 for
  变分自编码器, 模式坍缩 for 模式崩溃). The failure names file, line,
  variant and the term to use; a variant inside a longer glossary term
  (坍塌 inside 后验坍塌, were 坍塌 listed) does not count;
- no Chinese page may contain traditional-only characters.

Chinese prose (outside code, math, link targets and HTML) also follows two
typographic rules, each reported as file:line:

- a half-width parenthesis next to a Chinese character is an error: use
  full-width （） (checked in the text of Chinese diagrams too);
- no space between Chinese text and **bold** or a [link](...) whose text
  starts (or, after it, ends) with a Chinese character. A space between
  Chinese and a Latin word or number stays allowed, also when the Latin
  word is bold or a link (详见 [GAN](gan.md) 页面).

Notebook pages (docs/notebooks/NAME.py and NAME.zh.py) get the same
checks on their Markdown cells; a translation holds no code (the notebook
builder fills it in from the English script, and refuses one that does).

Every check is parametrised per page, so a failure names the page and
says what differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GLOSSARY = DOCS / "glossary.md"

EN_PAGES = sorted(
    p for p in DOCS.glob("*.md") if not p.name.endswith(".zh.md")
)
ZH_PAGES = sorted(DOCS.glob("*.zh.md"))
EN_NOTEBOOKS = sorted(
    p
    for p in (DOCS / "notebooks").glob("*.py")
    if not p.name.endswith(".zh.py")
)
ZH_NOTEBOOKS = sorted((DOCS / "notebooks").glob("*.zh.py"))
ZH_PICTURES = sorted((ROOT / "pics").glob("*.zh.svg"))


def notebook_markdown(path: Path) -> str:
    """The Markdown cells of a jupytext notebook, as one Markdown text."""
    import jupytext

    cells = jupytext.read(path).cells
    return "\n\n".join(c.source for c in cells if c.cell_type == "markdown")


def notebook_pair(path: Path) -> tuple[str, str]:
    zh = path.with_name(path.stem + ".zh.py")
    if not zh.is_file():
        pytest.skip(f"{zh.name} is missing (the build reports it)")
    return notebook_markdown(path), notebook_markdown(zh)


def twin(page: Path) -> Path:
    return page.with_name(page.name[:-3] + ".zh.md")


def page_id(page: Path) -> str:
    return page.name


def rel(path: Path) -> str:
    """docs/gan.zh.md: how a failure names a file."""
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def notebook_markdown_lines(path: Path) -> list[tuple[int, str]]:
    """(line number in the script, Markdown text) for every line of the
    Markdown cells of a percent-format jupytext script; the comment marker
    is stripped. Blank lines between cells are kept, so that cells stay
    separate paragraphs."""
    lines: list[tuple[int, str]] = []
    in_markdown = False
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            lines.append((n, ""))
        elif in_markdown:
            if line == "#" or not line.strip():
                lines.append((n, ""))
            elif line.startswith("# "):
                lines.append((n, line[2:]))
            else:
                lines.append((n, line.lstrip("#")))
    return lines


# --------------------------------------------------------------------------
# Reading Markdown

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def in_fences(lines: list[str]) -> list[bool]:
    """For each line: is it fenced code (a fence line included)?"""
    flags = []
    fence: str | None = None
    for line in lines:
        m = FENCE.match(line)
        if fence is None:
            if m:
                fence = m.group(1)
            flags.append(bool(m))
        else:
            flags.append(True)
            if (
                m
                and m.group(1)[0] == fence[0]
                and len(m.group(1)) >= len(fence)
                and line.strip() == m.group(1)
            ):
                fence = None
    return flags


def split_fences(text: str) -> tuple[list[str], list[str]]:
    """(lines outside fenced code, lines inside it), fences indented or not."""
    lines = text.splitlines()
    flags = in_fences(lines)
    outside = [line for line, f in zip(lines, flags) if not f]
    inside = [line for line, f in zip(lines, flags) if f]
    return outside, inside


def headings(text: str) -> list[str]:
    outside, _ = split_fences(text)
    return [
        line.strip() for line in outside if re.match(r"^\s*#{1,6}\s+\S", line)
    ]


SNIPPET = re.compile(r"^\s*--8<--\s+[\"']([^\"']+)[\"']", re.M)


def snippet_targets(text: str) -> list[str]:
    """pymdownx.snippets acts on any line that starts with --8<--."""
    return SNIPPET.findall(text)


FIGURE = re.compile(
    r"\(fig:([\w.-]+)\)|(?<![\w-])((?:\.\./)*pics/[\w./-]+\.\w+)"
)


def figures(text: str) -> list[str]:
    outside, _ = split_fences(text)
    found = []
    for m in FIGURE.finditer("\n".join(outside)):
        found.append(f"fig:{m.group(1)}" if m.group(1) else m.group(2))
    return found


def display_math_blocks(text: str) -> int:
    outside, _ = split_fences(text)
    tokens = "\n".join(outside).count("$$")
    assert tokens % 2 == 0, f"unbalanced $$ ({tokens} delimiters)"
    return tokens // 2


REFERENCES = re.compile(r"^#{1,6}\s+(References|参考文献)\s*(\{.*\})?\s*$")


def prose(text: str) -> str:
    """The running text: no code, math, URLs, HTML tags or references."""
    outside, _ = split_fences(text)
    kept = []
    for line in outside:
        if REFERENCES.match(line.strip()):
            break  # the references come last on every page
        kept.append(line)
    body = "\n".join(kept)
    body = re.sub(r"\$\$.*?\$\$", " ", body, flags=re.S)
    body = re.sub(r"(?<!\\)\$[^$\n]+\$", " ", body)
    body = re.sub(r"`[^`\n]*`", " ", body)
    body = re.sub(r"\]\([^)]*\)", "] ", body)
    body = re.sub(r"<[^>\n]+>", " ", body)
    body = re.sub(r"\{[^}\n]*\}", " ", body)  # attribute lists
    return body


def first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"first difference at #{i + 1}: {x!r} (en) vs {y!r} (zh)"
    longer, name = (a, "en") if len(a) > len(b) else (b, "zh")
    extra = longer[min(len(a), len(b)) :]
    return f"only in {name}: {extra!r}"


# --------------------------------------------------------------------------
# The glossary


@dataclass(frozen=True)
class Term:
    english: str  # the cell as written, e.g. "real / fake"
    chinese: str  # e.g. "真实 / 生成(伪造)"
    forms: tuple[str, ...]  # English spellings that count as a use
    options: tuple[str, ...]  # Chinese spellings that satisfy it
    abbreviation: bool = False  # forms are "GAN", "KL divergence", ...


def _english_forms(alt: str) -> tuple[str, str | None]:
    """'Kullback-Leibler (KL) divergence' -> the full and the short form;
    '(noun)' or '(of a distribution)' are comments and are dropped."""
    m = re.fullmatch(r"(.*?)\s*\(([^)]*)\)\s*(.*)", alt)
    if not m:
        return alt, None
    before, inside, after = m.groups()
    full = " ".join(x for x in (before, after) if x)
    if re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]", inside):  # an abbreviation
        return full, " ".join(x for x in (inside, after) if x)
    return full, None


def _chinese_options(alt: str) -> list[str]:
    """'生成(伪造)' -> ['生成', '伪造']; '轮(epoch)' -> ['轮', 'epoch']."""
    return [p.strip() for p in re.split(r"[()（）]", alt) if p.strip()]


AVOID_HEADERS = ("Avoid", "不用")


@dataclass(frozen=True)
class Row:
    """One row of a glossary table, its cells as written."""

    english: str
    chinese: str
    avoid: str  # '' where the table has no Avoid column


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def glossary_rows(text: str) -> list[Row]:
    """Every row of every table whose header starts `| English | 中文 |`;
    the Avoid column is the one headed Avoid (or 不用), wherever it is."""
    rows: list[Row] = []
    in_table, avoid = False, None
    for line in text.splitlines():
        if not line.strip().startswith("|"):
            in_table = False
            continue
        cells = _cells(line)
        if cells[:2] == ["English", "中文"]:
            in_table = True
            avoid = next(
                (i for i, c in enumerate(cells) if c in AVOID_HEADERS), None
            )
            continue
        if not in_table or set(cells[0]) <= set("-: "):
            continue
        rows.append(
            Row(
                cells[0],
                cells[1] if len(cells) > 1 else "",
                cells[avoid]
                if avoid is not None and avoid < len(cells)
                else "",
            )
        )
    return rows


def parse_glossary(text: str) -> list[Term]:
    """Every row of every table whose header starts `| English | 中文 |`.

    A cell with alternatives ("real / fake" and "真实 / 生成(伪造)") is
    split and paired by position when both sides have as many. A term with
    an abbreviation ("generative adversarial network (GAN)") gives two
    checks: the full English form asks for the Chinese term; the
    abbreviation, which both languages share, accepts the Chinese term or
    the abbreviation itself.
    """
    terms: list[Term] = []
    for row in glossary_rows(text):
        cells = [row.english, row.chinese]
        en_alts = [a.strip() for a in cells[0].split(" / ")]
        zh_alts = [a.strip() for a in cells[1].split(" / ")]
        if len(en_alts) == len(zh_alts):
            pairs = zip(en_alts, zh_alts)
        else:
            pairs = ((a, " / ".join(zh_alts)) for a in en_alts)
        for en, zh in pairs:
            options = [o for z in zh.split(" / ") for o in _chinese_options(z)]
            full, short = _english_forms(en)
            terms.append(Term(cells[0], cells[1], (full,), tuple(options)))
            if short:
                terms.append(
                    Term(
                        cells[0],
                        cells[1],
                        (short,),
                        (*options, short.split()[0]),
                        abbreviation=True,
                    )
                )
    return terms


def glossary_columns(text: str) -> list[tuple[str, str]]:
    return [(row.english, row.chinese) for row in glossary_rows(text)]


@dataclass(frozen=True)
class Variant:
    """A Chinese spelling the glossary's Avoid column rules out."""

    wrong: str  # e.g. 模式坍缩
    right: str  # what to write instead, e.g. 模式崩溃
    english: str  # the row's English cell
    hint: bool = False  # right was written after an arrow, not the term


def _variant(cell: str, right: str, english: str) -> Variant:
    """'模式坍缩', or '奈特每张图 → 每张图像 … 奈特' where what to write
    is not the row's term itself."""
    wrong, _, hint = cell.partition("→")
    return Variant(
        wrong.strip(), hint.strip() or right, english, bool(hint.strip())
    )


VARIANT_SEPARATORS = re.compile(r"\s*[、,，;；]\s*")


def avoid_groups(cell: str) -> tuple[tuple[str, ...], ...]:
    """'生成学习 / 判别学习' -> (('生成学习',), ('判别学习',)); variants in
    a group are separated by 、 (or a comma). A variant may name what to
    write instead after an arrow: '奈特每张图 → 每张图像 … 奈特'."""
    if not cell.strip():
        return ()
    return tuple(
        tuple(v for v in VARIANT_SEPARATORS.split(g.strip()) if v)
        for g in cell.split(" / ")
    )


def parse_avoided(text: str) -> list[Variant]:
    """The Avoid column of every glossary table. A row with two terms
    ('生成式学习 / 判别式学习') may give a group of variants for each, in
    the same order, separated by ' / '; a single group belongs to the
    whole row."""
    variants: list[Variant] = []
    for row in glossary_rows(text):
        groups = avoid_groups(row.avoid)
        if not groups:
            continue
        terms = [a.strip() for a in row.chinese.split(" / ")]
        if len(groups) == len(terms):
            rights = terms
        elif len(groups) == 1:
            rights = [row.chinese]
        else:
            raise ValueError(
                f"glossary row {row.english!r}: the Avoid cell has "
                f"{len(groups)} groups for {len(terms)} Chinese terms"
            )
        for group, right in zip(groups, rights):
            variants += [
                _variant(wrong, right, row.english) for wrong in group
            ]
    return variants


def without_avoid_cells(text: str) -> list[str]:
    """The lines of a page, with the Avoid cells of glossary tables blanked
    (the glossary lists the variants there, and nowhere else may)."""
    out = []
    in_table, avoid = False, None
    for line in text.splitlines():
        if line.strip().startswith("|"):
            cells = line.strip().strip("|").split("|")
            if [c.strip() for c in cells[:2]] == ["English", "中文"]:
                in_table = True
                avoid = next(
                    (
                        i
                        for i, c in enumerate(cells)
                        if c.strip() in AVOID_HEADERS
                    ),
                    None,
                )
            elif in_table and avoid is not None and avoid < len(cells):
                cells[avoid] = " " * len(cells[avoid])
                line = "|" + "|".join(cells) + "|"
        else:
            in_table = False
        out.append(line)
    return out


def _inside(line: str, term: str, start: int, end: int) -> bool:
    """Does an occurrence of term in line contain line[start:end]?"""
    i = line.find(term, max(0, end - len(term)))
    while i != -1 and i <= start:
        if i + len(term) >= end:
            return True
        i = line.find(term, i + 1)
    return False


def find_variants(
    lines: Iterable[tuple[int, str]],
    variants: list[Variant],
    allowed: Iterable[str] = (),
) -> list[tuple[int, str, str]]:
    """(line number, variant, right term) for each avoided variant in the
    numbered lines, once per line, in the order they occur. An occurrence
    inside a longer allowed term (the glossary's Chinese terms) is not one;
    one inside a longer variant found at the same place is reported as the
    longer variant."""
    allowed = sorted(set(allowed))
    covers = {
        v.wrong: [a for a in allowed if v.wrong in a and a != v.wrong]
        for v in variants
    }
    found: list[tuple[int, str, str]] = []
    for n, line in lines:
        spans = []
        for v in variants:
            for m in re.finditer(re.escape(v.wrong), line):
                s, e = m.span()
                if not any(_inside(line, a, s, e) for a in covers[v.wrong]):
                    spans.append((s, e, v))
        for s, e, v in sorted(spans, key=lambda span: span[:2]):
            longer = any(
                s2 <= s and e <= e2 and e2 - s2 > e - s for s2, e2, _ in spans
            )
            hit = (n, v.wrong, v.right)
            if not longer and hit not in found:
                found.append(hit)
    return found


def svg_text_lines(text: str) -> list[str]:
    """The lines of an SVG file with its tags blanked: only text nodes
    remain, at their places."""
    return [
        re.sub(r"<[^>]*>", lambda m: MASK * len(m.group(0)), line)
        for line in text.splitlines()
    ]


# English uses of a term's words that are not the term.
NOT_TERMS = re.compile(
    r"\breal(?:[\s-]+(?:numbers?|line|axis|valued))\b|\bprior to\b"
    r"|\b(?:other way|all|spread|turn) round\b|\brounds? (?:to|off|up|down)\b"
    r"|\bround(?:ed|ing)\b|\bleads? to\b",
    re.I,
)


def english_pattern(form: str) -> re.Pattern:
    """Case-insensitive, plural-tolerant, with -ise/-ize and hyphen variants.
    Abbreviations (GAN, KL divergence, ELBO) are matched case-sensitively."""
    words = re.split(r"([\s-]+)", form)
    parts = []
    for w in words:
        if re.fullmatch(r"\s+", w):
            parts.append(r"[\s\-\u2010\u2013]+")
        elif re.fullmatch(r"-+", w):
            parts.append(r"[\s\-\u2010\u2013]?")
        else:
            parts.append(re.escape(w).replace("isation", "i[sz]ation"))
    body = "".join(parts)
    flags = 0 if re.match(r"[A-Z]{2,}", form) else re.I
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w])", flags)


def count_uses(term: Term, english_prose: str) -> int:
    text = NOT_TERMS.sub(" ", english_prose)
    return sum(len(english_pattern(f).findall(text)) for f in term.forms)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def present(option: str, chinese_prose: str) -> bool:
    """A Chinese term is found ignoring spaces; a Latin one as a word."""
    if re.fullmatch(r"[A-Za-z]+", option):
        return (
            re.search(rf"(?<![A-Za-z]){option}(?![A-Za-z])", chinese_prose)
            is not None
        )
    return squash(option) in squash(chinese_prose)


def missing_terms(
    terms: list[Term], english: str, chinese: str, min_uses: int = 1
) -> list[str]:
    """Glossary terms the English text uses whose Chinese term the Chinese
    text lacks, as 'english (n uses) -> chinese' strings."""
    en, zh = prose(english), prose(chinese)
    missing = []
    for term in terms:
        n = count_uses(term, en)
        if n >= min_uses and not any(present(o, zh) for o in term.options):
            missing.append(
                f"{' / '.join(term.forms)} ({n} uses) -> "
                f"{' or '.join(term.options)}"
            )
    return missing


# --------------------------------------------------------------------------
# Chinese typography

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = HAN + "\u3000-\u303f\uff00-\uffef"  # and full-width punctuation
MASK = "\x00"  # stands for code, math, HTML: neither Chinese nor a space
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


# --------------------------------------------------------------------------
# Tests


def test_pages_exist():
    assert EN_PAGES, f"no English pages in {DOCS}"


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_chinese_twin_exists(page: Path):
    assert twin(page).is_file(), f"{page.name} has no {twin(page).name}"


@pytest.mark.parametrize("page", ZH_PAGES, ids=page_id)
def test_english_twin_exists(page: Path):
    english = page.with_name(page.name[: -len(".zh.md")] + ".md")
    assert english.is_file(), f"{page.name} has no {english.name}"


def _pair(page: Path) -> tuple[str, str]:
    if not twin(page).is_file():
        pytest.skip(f"{twin(page).name} is missing (reported above)")
    return page.read_text("utf-8"), twin(page).read_text("utf-8")


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_number_of_headings(page: Path):
    en, zh = map(headings, _pair(page))
    levels = [h.split()[0] for h in en], [h.split()[0] for h in zh]
    assert len(en) == len(zh), (
        f"{page.name}: {len(en)} headings, {twin(page).name}: {len(zh)}\n"
        f"en: {en}\nzh: {zh}"
    )
    assert levels[0] == levels[1], (
        f"{page.name}: heading levels differ; "
        + first_difference(list(zip(levels[0], en)), list(zip(levels[1], zh)))
    )


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_embedded_code(page: Path):
    en, zh = map(snippet_targets, _pair(page))
    assert en == zh, (
        f"{page.name} vs {twin(page).name}: embedded code "
        "differs; " + first_difference(en, zh)
    )


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_figures(page: Path):
    en, zh = map(figures, _pair(page))
    assert en == zh, (
        f"{page.name} vs {twin(page).name}: figures differ; "
        + first_difference(en, zh)
    )


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_number_of_display_math_blocks(page: Path):
    en, zh = map(display_math_blocks, _pair(page))
    assert en == zh, (
        f"{page.name}: {en} display-math blocks, {twin(page).name}: {zh}"
    )


def _glossary() -> list[Term]:
    assert GLOSSARY.is_file(), "docs/glossary.md is missing"
    terms = parse_glossary(GLOSSARY.read_text("utf-8"))
    assert terms, "docs/glossary.md has no `| English | 中文 |` table"
    return terms


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_chinese_page_uses_glossary_terms(page: Path):
    english, chinese = _pair(page)
    missing = missing_terms(_glossary(), english, chinese)
    assert not missing, (
        f"{page.name} uses these glossary terms, but {twin(page).name} "
        "lacks their Chinese terms:\n  " + "\n  ".join(missing)
    )


@pytest.mark.parametrize("page", EN_NOTEBOOKS, ids=page_id)
def test_notebook_twins_match(page: Path):
    english, chinese = notebook_pair(page)
    en, zh = headings(english), headings(chinese)
    assert [h.split()[0] for h in en] == [h.split()[0] for h in zh], (
        f"{page.name}: headings differ from the Chinese twin; "
        + first_difference(en, zh)
    )
    assert display_math_blocks(english) == display_math_blocks(chinese), (
        f"{page.name}: display-math blocks differ from the Chinese twin"
    )
    missing = missing_terms(_glossary(), english, chinese)
    assert not missing, (
        f"{page.name} uses these glossary terms, but its Chinese twin "
        "lacks their Chinese terms:\n  " + "\n  ".join(missing)
    )


def _avoided() -> list[Variant]:
    variants = parse_avoided(GLOSSARY.read_text("utf-8"))
    assert variants, "docs/glossary.md has no Avoid column (or it is empty)"
    return variants


def _allowed() -> list[str]:
    return [o for t in _glossary() for o in t.options]


@pytest.mark.parametrize(
    "page", ZH_PAGES + ZH_NOTEBOOKS + ZH_PICTURES, ids=page_id
)
def test_no_avoided_variants(page: Path):
    found = find_variants(variant_lines(page), _avoided(), _allowed())
    assert not found, (
        "variants the glossary's Avoid column rules out:\n  "
        + "\n  ".join(
            f"{rel(page)}:{n}: {wrong} -> use {right}"
            for n, wrong, right in found
        )
    )


def test_no_avoided_variants_in_the_chinese_interface_strings():
    """The strings table (widget labels, figure words, provenance) is
    read by the reader too: 评论家 once slipped into the replay."""
    table = ROOT / "gen_src" / "builder" / "strings" / "zh.toml"
    lines = enumerate(table.read_text("utf-8").splitlines(), 1)
    found = find_variants(lines, _avoided(), _allowed())
    assert not found, "\n  ".join(
        f"{rel(table)}:{n}: {wrong} -> use {right}"
        for n, wrong, right in found
    )


@pytest.mark.parametrize("page", ZH_PAGES + ZH_NOTEBOOKS, ids=page_id)
def test_full_width_parentheses_in_chinese_prose(page: Path):
    found = half_width_parentheses(prose_lines(page))
    assert not found, "\n  ".join(
        ["half-width parentheses in Chinese prose:"]
        + [f"{rel(page)}:{n}: {message}" for n, message in found]
    )


@pytest.mark.parametrize("picture", ZH_PICTURES, ids=page_id)
def test_full_width_parentheses_in_chinese_diagrams(picture: Path):
    found = half_width_parentheses(variant_lines(picture))
    assert not found, "\n  ".join(
        ["half-width parentheses in a Chinese diagram:"]
        + [f"{rel(picture)}:{n}: {message}" for n, message in found]
    )


@pytest.mark.parametrize("page", ZH_PAGES + ZH_NOTEBOOKS, ids=page_id)
def test_no_spaces_around_chinese_bold_and_links(page: Path):
    found = spaces_around_bold_and_links(prose_lines(page))
    assert not found, "\n  ".join(
        ["stray spaces around bold or links in Chinese prose:"]
        + [f"{rel(page)}:{n}: {message}" for n, message in found]
    )


@pytest.mark.parametrize("page", ZH_PAGES + ZH_NOTEBOOKS, ids=page_id)
def test_no_traditional_characters(page: Path):
    found = []
    for n, line in enumerate(page.read_text("utf-8").splitlines(), 1):
        chars = sorted(set(line) & TRADITIONAL_ONLY)
        if chars:
            found.append(f"line {n}: {''.join(chars)}")
    assert not found, (
        f"{page.name}: traditional characters:\n  " + "\n  ".join(found)
    )


def test_glossary_tables_match():
    """Both glossary pages carry the same English, Chinese and Avoid
    columns."""
    zh_page = twin(GLOSSARY)
    if not zh_page.is_file():
        pytest.skip("docs/glossary.zh.md is missing")
    en = glossary_columns(GLOSSARY.read_text("utf-8"))
    zh = glossary_columns(zh_page.read_text("utf-8"))
    assert en == zh, "glossary columns differ; " + first_difference(en, zh)
    en_avoid, zh_avoid = (
        [
            (r.english, avoid_groups(r.avoid))
            for r in glossary_rows(page.read_text("utf-8"))
        ]
        for page in (GLOSSARY, zh_page)
    )
    assert en_avoid == zh_avoid, (
        "glossary Avoid columns differ; "
        + first_difference(en_avoid, zh_avoid)
    )


REQUIRED_TERMS = {
    "generative model": "生成模型",
    "discriminator": "判别器",
    "variational autoencoder (VAE)": "变分自编码器",
    "latent space": "潜在空间",
    "mode collapse": "模式崩溃",
    "reparameterisation trick": "重参数化技巧",
    "evidence lower bound (ELBO)": "证据下界",
    "Jensen-Shannon divergence": "JS 散度",
}


def test_glossary_has_the_shared_terms():
    rows = dict(glossary_columns(GLOSSARY.read_text("utf-8")))
    for en, zh in REQUIRED_TERMS.items():
        assert rows.get(en) == zh, f"glossary: {en!r} should be {zh!r}"


def test_avoided_variants_are_not_glossary_terms():
    """No variant is a glossary term, every variant points to one, and
    every variant is caught when it stands alone."""
    allowed = _allowed()
    for v in _avoided():
        assert v.wrong not in allowed, (
            f"{v.wrong} is listed under Avoid but is a glossary term"
        )
        assert v.hint or v.right in {t.chinese for t in _glossary()} | {
            a.strip() for t in _glossary() for a in t.chinese.split(" / ")
        }, f"{v.wrong}: {v.right!r} is no glossary term"
        assert find_variants([(1, v.wrong)], _avoided(), allowed) == [
            (1, v.wrong, v.right)
        ], f"{v.wrong} would never be reported"


def test_the_glossary_decisions_hold():
    """Decisions the site has taken, read back from the glossary."""
    check = [
        (1, "模式坍缩，模式塌缩，后验坍塌"),
        (2, "本网站用规则的潜在空间"),
        (3, "多模态分布；码率-失真；每张图像 247 奈特"),
        (4, "规则网格；按规则；生成式学习与判别学习"),
        (5, "判别器占上风；变分自动编码器"),
    ]
    assert find_variants(check, _avoided(), _allowed()) == [
        (1, "模式坍缩", "模式崩溃"),
        (1, "模式塌缩", "模式崩溃"),
        (2, "本网站", "本站"),
        (2, "规则的潜在空间", "规整"),
        (3, "多模态", "多峰分布"),
        (3, "码率-失真", "率失真"),
        (4, "判别学习", "判别式学习"),
        (5, "占上风", "领先"),
        (5, "变分自动编码器", "变分自编码器"),
    ]


# --------------------------------------------------------------------------
# The checks themselves can fail: each is run on inputs that must fail.


def test_term_check_catches_a_missing_term():
    terms = parse_glossary(
        "| English | 中文 | Definition |\n|---|---|---|\n"
        "| discriminator | 判别器 | D |\n"
        "| Kullback-Leibler (KL) divergence | KL 散度 | KL |\n"
        "| real / fake | 真实 / 生成(伪造) | x |\n"
    )
    english = (
        "The discriminators judge; the KL divergence grows. "
        "A real number is not a real image."
    )
    assert missing_terms(
        terms, english, "判断器评判。KL 散度增大。真实图像。"
    ) == ["discriminator (1 uses) -> 判别器"]
    assert missing_terms(terms, english, "判别器评判。KL散度。真实") == []
    # "real number" is not the glossary's "real": only one use counts.
    assert count_uses(terms[2], prose(english)) == 1
    # the fake half of "real / fake" accepts either Chinese option
    assert missing_terms(terms, "fakes", "伪造的") == []
    # an abbreviation may stay an abbreviation; the full name may not
    gan = parse_glossary(
        "| English | 中文 | D |\n|---|---|---|\n"
        "| generative adversarial network (GAN) | 生成对抗网络 | x |\n"
    )
    assert missing_terms(gan, "GANs train.", "GAN 的训练。") == []
    assert missing_terms(
        gan, "A generative adversarial network.", "GAN 的训练。"
    ) == ["generative adversarial network (1 uses) -> 生成对抗网络"]
    assert missing_terms(gan, "DCGAN is a GAN.", "DCGAN 是一种。") == [
        "GAN (1 uses) -> 生成对抗网络 or GAN"
    ]
    # code, math and references do not count as uses
    assert (
        missing_terms(
            terms,
            "```python\ndiscriminator = 1\n```\n$D_{KL}$\n"
            "## References\n- The discriminator paper.",
            "",
        )
        == []
    )


def test_parity_helpers_see_differences():
    en = (
        '# A\n\n```python\n# not a heading\n--8<-- "gen_src/vae.py:kl"\n'
        "```\n\n![x](fig:vae_samples)\n\n$$\na\n$$\n"
        '<figure markdown="span">![y](pics/VAE_1.svg)</figure>\n'
    )
    assert headings(en) == ["# A"]
    assert snippet_targets(en) == ["gen_src/vae.py:kl"]
    assert figures(en) == ["fig:vae_samples", "pics/VAE_1.svg"]
    assert display_math_blocks(en) == 1
    assert "not a heading" not in prose(en)
    zh = en.replace("fig:vae_samples", "fig:vae_manifold")
    assert figures(en) != figures(zh)


def test_traditional_list_spares_shared_characters():
    assert not set("器成算化变分自编码判别生成对抗网络") & TRADITIONAL_ONLY
    assert set("判斷器兩個神經網絡組成因為") & TRADITIONAL_ONLY == set(
        "斷兩個經網絡組為"
    )


GLOSSARY_WITH_AVOID = (
    "| English | 中文 | Avoid | Definition |\n|---|---|---|---|\n"
    "| mode collapse | 模式崩溃 | 模式坍缩、坍缩、坍塌 | x |\n"
    "| posterior collapse | 后验坍塌 | | x |\n"
    "| generative learning / discriminative learning | 生成式学习 / "
    "判别式学习 | 生成学习 / 判别学习, 判别性学习 | x |\n"
    "| this site | 本站 | 本网站 | x |\n"
    "| nat | 奈特 | 奈特每张图 → 每张图像 … 奈特 | x |\n"
)


def test_avoid_column_is_parsed():
    variants = parse_avoided(GLOSSARY_WITH_AVOID)
    assert [(v.wrong, v.right) for v in variants] == [
        ("模式坍缩", "模式崩溃"),
        ("坍缩", "模式崩溃"),
        ("坍塌", "模式崩溃"),
        ("生成学习", "生成式学习"),
        ("判别学习", "判别式学习"),
        ("判别性学习", "判别式学习"),
        ("本网站", "本站"),
        ("奈特每张图", "每张图像 … 奈特"),
    ]
    # the term columns read as before, with or without an Avoid column
    terms = parse_glossary(GLOSSARY_WITH_AVOID)
    assert [t.options for t in terms][:2] == [("模式崩溃",), ("后验坍塌",)]
    assert (
        parse_avoided(
            "| English | 中文 | D |\n|---|---|---|\n| sample | 样本 | x |\n"
        )
        == []
    )
    zh = GLOSSARY_WITH_AVOID.replace("Avoid", "不用")
    assert parse_avoided(zh) == variants
    with pytest.raises(ValueError, match="2 groups for 1"):
        parse_avoided(
            "| English | 中文 | Avoid |\n|---|---|---|\n"
            "| site | 本站 | 本网站 / 网站 |\n"
        )


def test_variant_check_names_line_variant_and_term(tmp_path):
    variants = parse_avoided(GLOSSARY_WITH_AVOID)
    allowed = [
        o for t in parse_glossary(GLOSSARY_WITH_AVOID) for o in t.options
    ]
    lines = [
        (1, "一切正常。"),
        (2, "生成器出现模式坍缩，而后验坍塌是另一回事。"),
        (3, "本网站讲生成学习，模式坍塌"),
        (4, "坍缩"),
    ]
    assert find_variants(lines, variants, allowed) == [
        (2, "模式坍缩", "模式崩溃"),  # once, as the longer variant
        (3, "本网站", "本站"),
        (3, "生成学习", "生成式学习"),
        (3, "坍塌", "模式崩溃"),  # 模式坍塌 is no glossary term
        (4, "坍缩", "模式崩溃"),
    ]
    # 坍塌 inside the glossary term 后验坍塌 is not flagged ...
    assert find_variants([(1, "后验坍塌")], variants, allowed) == []
    # ... but it is without the term's exemption
    assert find_variants([(1, "后验坍塌")], variants) == [
        (1, "坍塌", "模式崩溃")
    ]
    # the glossary's own Avoid cells are skipped, its other cells are not
    page = tmp_path / "glossary.zh.md"
    page.write_text(
        GLOSSARY_WITH_AVOID.replace("| x |\n| this", "| 本网站 |\n| this"),
        "utf-8",
    )
    assert find_variants(variant_lines(page), variants, allowed) == [
        (5, "本网站", "本站")
    ]
    # in a diagram only text nodes count, and lines are the file's
    svg = tmp_path / "a.zh.svg"
    svg.write_text(
        '<svg>\n<text id="本网站">本站</text>\n'
        "<text>模式坍缩</text>\n</svg>\n",
        "utf-8",
    )
    assert find_variants(variant_lines(svg), variants, allowed) == [
        (3, "模式坍缩", "模式崩溃")
    ]


def _numbered(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), 1))


def test_parenthesis_check_catches_and_spares():
    bad = _numbered(
        "第一行没问题。\n真实 / 生成(伪造)\n使用 GAN(生成对抗网络)。"
    )
    assert [n for n, _ in half_width_parentheses(bad)] == [2, 2, 3, 3]
    assert "-> use （）" in half_width_parentheses(bad)[0][1]
    good = _numbered(
        "生成（伪造）样本；函数 $f(x)$ 的值；`f(x)`的值\n"
        "详见[GAN 页面](gan.md#a)的主题。(a) 左图，(b) 右图\n"
        "Goodfellow et al. (2014) 提出；学习 p(x)，再采样\n"
        '```python\nprint("(中)")\n```\n'
        '<figure markdown="span">![图](pics/a.svg){ width="9%" }</figure>\n'
        "$$\nf(x) = \\text{中(x)}\n$$"
    )
    assert half_width_parentheses(good) == []


def test_bold_and_link_spacing_check_catches_and_spares():
    bad = _numbered(
        "这是 **生成器**和判别器。\n"  # before bold
        "**生成器** 和判别器。\n"  # after bold
        "详见 [生成对抗网络](gan.md) 页面。\n"  # before and after a link
        "它们是：  **编码器**，和**解码\n器** 两部分。"
    )  # bold over two lines
    found = spaces_around_bold_and_links(bad)
    assert [n for n, _ in found] == [1, 2, 3, 3, 4, 5], found
    assert "space before bold" in found[0][1] and "remove it" in found[0][1]
    good = _numbered(
        "这是**生成器**和**判别器**。详见[生成对抗网络](gan.md)页面。\n"
        "详见 [GAN](gan.md) 页面；用 **GAN** 生成；**判别器 D** 的输出\n"
        "生成器 $G$ 与 **判别器** 无关的代码：`a **b** c`\n"
        "![示意图](pics/GAN_1.svg) 图中；中文 *斜体* 也可以"
    )
    found = spaces_around_bold_and_links(good)
    # only line 3, where a Chinese bold span has spaces on both sides
    assert [n for n, _ in found] == [3, 3], found


@pytest.mark.parametrize("page", ZH_NOTEBOOKS, ids=page_id)
def test_notebook_lines_agree_with_jupytext(page: Path):
    """The line-numbered reader sees the Markdown cells jupytext sees."""
    ours = [line for _, line in notebook_markdown_lines(page) if line.strip()]
    theirs = [
        line for line in notebook_markdown(page).splitlines() if line.strip()
    ]
    assert ours == theirs, (
        f"{page.name}: Markdown lines differ; "
        + first_difference(ours, theirs)
    )


def test_notebook_prose_is_its_markdown_cells(tmp_path):
    script = tmp_path / "x.zh.py"
    script.write_text(
        "# ---\n# jupyter: (中)\n# ---\n\n# %% [markdown]\n# # 标题\n#\n"
        "# 生成(伪造)的 **样本** 。\n\n# %%\n\n# %% [markdown]\n# 好（对）\n",
        "utf-8",
    )
    lines = notebook_markdown_lines(script)
    assert (8, "生成(伪造)的 **样本** 。") in lines
    assert (13, "好（对）") in lines
    assert not any("jupyter" in line for _, line in lines)
    assert [n for n, _ in half_width_parentheses(prose_lines(script))] == [
        8,
        8,
    ]
    assert [
        n for n, _ in spaces_around_bold_and_links(prose_lines(script))
    ] == [8, 8]


def test_no_control_characters_in_the_sources():
    """A TeX escape written through a non-raw Python string ("\\frac" as a
    form feed and "rac") leaves a control character in the page."""
    bad = []
    for path in sorted(DOCS.rglob("*.md")) + sorted(DOCS.rglob("*.py")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if any(ord(c) < 32 and c != "\n" for c in line):
                bad.append(f"{path.relative_to(DOCS)}:{number}")
    assert not bad, "control characters at " + ", ".join(bad)
