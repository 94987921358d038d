"""The glossary (docs/glossary.md): its terms, the variants it avoids,
and where a page uses them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .sources import GLOSSARY, prose


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


def glossary_terms() -> list[Term]:
    assert GLOSSARY.is_file(), "docs/glossary.md is missing"
    terms = parse_glossary(GLOSSARY.read_text("utf-8"))
    assert terms, "docs/glossary.md has no `| English | 中文 |` table"
    return terms
