"""Docstrings that say where a piece of code is taught name a page, and a
section of it, that exist: `Taught on the page docs/gan.md, section
"The k-step algorithm".` Every family module and every snippet says it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gen_src.builder import registry

ROOT = Path(__file__).resolve().parent.parent
TAUGHT = re.compile(
    r"Taught on the\s+page\s+(docs/[\w/.-]+\.md)"
    r'(?:,\s+section\s+"([^"]+)")?'
)
FILES = sorted([*ROOT.glob("gen_src/**/*.py"), *ROOT.glob("snippets/*.py")])
MUST_SAY = sorted(
    [
        *(registry.module_path(m) for m in registry.family_modules()),
        *ROOT.glob("snippets/*.py"),
    ]
)


def headings(page: Path) -> set[str]:
    found = set()
    in_code = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not in_code and re.match(r"#{1,6} ", line):
            text = re.sub(r"\s*\{[^}]*\}\s*$", "", line.lstrip("#").strip())
            found.add(text)
    return found


def references(path: Path) -> list[tuple[str, str | None]]:
    text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
    return TAUGHT.findall(text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_named_pages_and_sections_exist(path):
    for page, section in references(path):
        target = ROOT / page
        assert target.is_file(), (
            f"{path.relative_to(ROOT)}: {page} is not a page"
        )
        if section:
            assert section in headings(target), (
                f"{path.relative_to(ROOT)}: {page} has no section "
                f"{section!r}; its headings: {sorted(headings(target))}"
            )


@pytest.mark.parametrize(
    "path", MUST_SAY, ids=lambda p: str(p.relative_to(ROOT))
)
def test_families_and_snippets_say_where_they_are_taught(path):
    assert references(path), (
        f"{path.relative_to(ROOT)} does not say "
        "'Taught on the page docs/NAME.md'"
    )


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text('"""Taught on the page docs/gan.md, section "Nope"."""')
    ((page, section),) = references(bad)
    assert section not in headings(ROOT / page)
