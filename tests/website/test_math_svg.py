"""Math typeset at build time (gen_src/website/math_svg.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gen_src.website import math_svg

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def typesetter(tmp_path):
    ts = math_svg.Typesetter(ROOT, tmp_path)
    yield ts
    ts.close()


PAGE = (
    '<p>The loss <span class="arithmatex">\\(\\log D(x)\\)</span> and</p>\n'
    '<div class="arithmatex">\\[\\mathbb{E}_{x}\\left[\\log D(x)\\right]'
    "\\]</div>"
)


def test_a_page_ships_svg_and_each_glyph_once(typesetter):
    out, errors = typesetter.page(PAGE, "docs/x.md")
    assert not errors
    assert "\\(" not in out and "\\[" not in out
    assert out.count("<mjx-container") == 2
    assert out.count('display="true"') == 1
    # the wrapper stays, as the runtime MathJax left it (Material styles it)
    assert '<div class="arithmatex"><mjx-container' in out
    used = set(re.findall(r'xlink:href="#(MJX-[^"]+)"', out))
    defined = re.findall(r'<path id="(MJX-[^"]+)"', out)
    assert used and set(defined) == used
    assert len(defined) == len(set(defined))  # once each
    assert out.count(f'id="{math_svg.FONT_CACHE_ID}"') == 1
    # screen readers get MathML; search gets no formula
    assert "<mjx-assistive-mml" in out
    assert out.count("<mjx-container data-search-exclude") == 2


def test_a_warm_cache_starts_no_node(typesetter, tmp_path):
    first, _ = typesetter.page(PAGE, "docs/x.md")
    typesetter.close()
    warm = math_svg.Typesetter(ROOT, tmp_path)
    again, _ = warm.page(PAGE, "docs/x.md")
    assert again == first
    assert not warm.stats.started_node and warm.stats.typeset == 0


def test_one_node_process_for_many_formulas(typesetter):
    page = "".join(
        f'<span class="arithmatex">\\(x_{{{i}}}\\)</span>' for i in range(40)
    )
    typesetter.page(page, "a")
    typesetter.page(page.replace("x_", "y_"), "b")
    assert typesetter.stats.typeset == 80
    proc = typesetter.node.proc
    assert proc is not None and proc.poll() is None  # the same one


def test_a_damaged_cache_line_is_typeset_again(typesetter, tmp_path):
    typesetter.page(PAGE, "docs/x.md")
    typesetter.close()
    path = typesetter.cache_file
    lines = path.read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    i = next(n for n, r in enumerate(records) if r["kind"] == "formula")
    records[i]["value"] = records[i]["value"].replace("svg", "SVG", 1)
    lines[i] = json.dumps(records[i])
    path.write_text("\n".join(lines) + '\n{"kind": "formula", "te')
    warm = math_svg.Typesetter(ROOT, tmp_path)
    out, errors = warm.page(PAGE, "docs/x.md")
    assert not errors and warm.stats.typeset == 1  # only the damaged one
    assert "<SVG" not in out
    warm.close()


def test_tex_errors_name_the_page_and_formula(typesetter):
    page = '<span class="arithmatex">\\(\\frac{1}{2} \\nosuchmacro\\)</span>'
    out, errors = typesetter.page(page, "docs/gan.zh.md")
    assert len(errors) == 1
    assert "docs/gan.zh.md" in errors[0] and "nosuchmacro" in errors[0]
    assert 'class="math-error"' in out


def test_chinese_text_in_formulas_is_drawn(typesetter):
    page = '<span class="arithmatex">\\(\\text{生成器}\\ G\\)</span>'
    out, errors = typesetter.page(page, "docs/x.zh.md")
    assert not errors and out.count("<text") == 3


def test_stylesheet_is_mathjaxs_own(typesetter):
    css = typesetter.stylesheet_file().read_text("utf-8")
    assert 'mjx-container[jax="SVG"]' in css and "mjx-assistive-mml" in css
    assert ".math-error" in css


def test_a_missing_mathjax_package_says_how_to_install(tmp_path):
    ts = math_svg.Typesetter(tmp_path, tmp_path / "cache")
    with pytest.raises(math_svg.MissingToolError, match="npm ci"):
        ts.page(PAGE, "docs/x.md")
