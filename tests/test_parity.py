"""Translation parity: every English page has a Chinese twin that matches it.

Reads the Markdown sources in docs/ (no build needed). For every
docs/NAME.md there must be a docs/NAME.zh.md with the same number of
headings (outside fenced code), the same embedded code (the `--8<--`
targets, in order), the same figures (the `fig:NAME` and `pics/...`
references, in order) and the same number of display-math blocks; the
notebooks' twins match the same way, and a translation holds no code.
The glossary's checks are in test_glossary.py, Chinese typography's in
test_chinese.py; the readers of the sources in tests/docs_lint/.

Every check is parametrised per page, so a failure names the page and
says what differs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_lint.chinese import (
    half_width_parentheses,
    prose_lines,
    spaces_around_bold_and_links,
)
from docs_lint.glossary import glossary_terms, missing_terms
from docs_lint.sources import (
    DOCS,
    EN_NOTEBOOKS,
    EN_PAGES,
    ZH_NOTEBOOKS,
    ZH_PAGES,
    display_math_blocks,
    figures,
    first_difference,
    headings,
    notebook_markdown,
    notebook_markdown_lines,
    notebook_pair,
    page_id,
    pair,
    prose,
    snippet_targets,
    twin,
)


def test_pages_exist():
    assert EN_PAGES, f"no English pages in {DOCS}"


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_chinese_twin_exists(page: Path):
    assert twin(page).is_file(), f"{page.name} has no {twin(page).name}"


@pytest.mark.parametrize("page", ZH_PAGES, ids=page_id)
def test_english_twin_exists(page: Path):
    english = page.with_name(page.name[: -len(".zh.md")] + ".md")
    assert english.is_file(), f"{page.name} has no {english.name}"


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_number_of_headings(page: Path):
    en, zh = map(headings, pair(page))
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
    en, zh = map(snippet_targets, pair(page))
    assert en == zh, (
        f"{page.name} vs {twin(page).name}: embedded code "
        "differs; " + first_difference(en, zh)
    )


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_figures(page: Path):
    en, zh = map(figures, pair(page))
    assert en == zh, (
        f"{page.name} vs {twin(page).name}: figures differ; "
        + first_difference(en, zh)
    )


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_number_of_display_math_blocks(page: Path):
    en, zh = map(display_math_blocks, pair(page))
    assert en == zh, (
        f"{page.name}: {en} display-math blocks, {twin(page).name}: {zh}"
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
    missing = missing_terms(glossary_terms(), english, chinese)
    assert not missing, (
        f"{page.name} uses these glossary terms, but its Chinese twin "
        "lacks their Chinese terms:\n  " + "\n  ".join(missing)
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
