"""Math typeset at build time (gen_src/website/math_svg.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gen_src.website import math_svg
from gen_src.website.math_svg import Formula, find, find_in_text

ROOT = Path(__file__).resolve().parents[2]


def texts(html: str) -> list[str]:
    return [text for _s, _e, text in find(html)]


def formulas(html: str) -> list[Formula]:
    return [
        item
        for text in texts(html)
        for _a, _b, item in find_in_text(text)
        if isinstance(item, Formula)
    ]


# --- what is searched, and for what --------------------------------------


def test_arithmatex_elements_are_searched_and_unescaped():
    html = (
        '<p>a $x$ b <span class="arithmatex">\\(a &lt; b\\)</span></p>'
        '<div class="arithmatex">\\[\\frac{1}{2}\\]</div>'
        '<div class="arithmatex">\\begin{aligned}a &amp;= b\\end{aligned}'
        "</div>"
    )
    assert formulas(html) == [
        Formula("a < b", False),
        Formula("\\frac{1}{2}", True),
        Formula("\\begin{aligned}a &= b\\end{aligned}", True),
    ]  # "$x$" in page prose is not math: pages use arithmatex


def test_notebook_markdown_cells_use_dollars_like_the_old_runtime():
    cell = (
        '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown '
        'jp-MarkdownOutput"><p>mean $\\mu$ and <em>$y$</em>, '
        "$$x^2$$ costs \\$5, <code>$no$</code> "
        '<a class="anchor-link">$no$</a></p><p>$$\n\\mathbb{E}[x]\n$$</p>'
        "</div><script>// $FlowFixMe</script>"
    )
    assert formulas(cell) == [
        Formula("\\mu", False),
        Formula("y", False),
        Formula("x^2", True),
        Formula("\\mathbb{E}[x]", True),
    ]
    dollars = find_in_text("$$x^2$$ costs \\$5, and \\$")[1:]
    assert dollars == [(14, 16, "$"), (23, 25, "$")]  # escaped: text


def test_code_and_other_classes_are_left_alone():
    html = (
        '<div class="jp-MarkdownOutput"><pre>$a$</pre>'
        '<span class="highlight">$b$</span><p>$c$</p></div>'
        '<div class="jp-OutputArea-output"><pre>$d$</pre></div>'
    )
    assert formulas(html) == [Formula("c", False)]


def test_braces_and_escapes_decide_where_math_ends():
    # an escaped brace does not count: the second $ ends the math
    assert find_in_text("$\\{a$b\\}$") == [(0, 5, Formula("\\{a", False))]
    assert find_in_text("${a$b}$") == [(0, 7, Formula("{a$b}", False))]
    assert find_in_text("a $ b") == []  # no closing dollar: text
    unclosed = "\\begin{align}a\\begin{align}b\\end{align}"
    assert find_in_text(unclosed) == [  # the outer one is text
        (14, 39, Formula("\\begin{align}b\\end{align}", True))
    ]


# --- typesetting -----------------------------------------------------------


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
    proc = typesetter._proc
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
