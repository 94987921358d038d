"""The pages' and notebooks' sources, and their structure: headings,
embedded code, figures, display math, prose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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


MASK = "\x00"  # stands for code, math, HTML: neither Chinese nor a space


def svg_text_lines(text: str) -> list[str]:
    """The lines of an SVG file with its tags blanked: only text nodes
    remain, at their places."""
    return [
        re.sub(r"<[^>]*>", lambda m: MASK * len(m.group(0)), line)
        for line in text.splitlines()
    ]


def pair(page: Path) -> tuple[str, str]:
    """The English page and its Chinese twin (skips when the twin is
    missing: its own test reports it)."""
    if not twin(page).is_file():
        pytest.skip(f"{twin(page).name} is missing (reported above)")
    return page.read_text("utf-8"), twin(page).read_text("utf-8")
