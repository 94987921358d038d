"""Typeset math as the search index and the line breaker see it:
gen_src/website/math_text.py (a formula as plain text),
math_glue.py (a formula and its punctuation on one line) and the
search index's text for formulas (search_index.py)."""

from __future__ import annotations

import json

import pytest

from gen_src.website import math_glue, math_text, search_index


def mml(body: str) -> str:
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML">{body}</math>'


def container(body: str, display: bool = False) -> str:
    mode = ' display="true"' if display else ""
    kind = "block" if display else "inline"
    return (
        f'<mjx-container data-search-exclude class="MathJax" jax="SVG"'
        f'{mode}><svg><g></g></svg><mjx-assistive-mml display="{kind}">'
        f"{mml(body)}</mjx-assistive-mml></mjx-container>"
    )


# MathJax 3's MathML for some of the site's formulas
LOG_P = (
    "<mi>log</mi><mo>&#x2061;</mo><msub><mi>p</mi><mi>θ</mi></msub>"
    '<mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo>'
)


@pytest.mark.parametrize(
    "body, text",
    [
        (LOG_P, "log p_θ(x)"),
        (
            '<mrow data-mjx-texclass="ORD"><mover><mi>x</mi>'
            '<mo stretchy="false">^</mo></mover></mrow><mo>=</mo><mi>d</mi>'
            '<mo stretchy="false">(</mo><mi>z</mi><mo stretchy="false">)</mo>',
            "x̂ = d(z)",
        ),
        (
            '<mi>D</mi><mo stretchy="false">(</mo><mi>x</mi><mo stretchy='
            '"false">)</mo><mo>=</mo><mfrac><mn>1</mn><mn>2</mn></mfrac>',
            "D(x) = 1/2",
        ),
        (
            "<mn>2</mn><mo>×</mo><msup><mn>10</mn><mrow><mo>−</mo>"
            "<mn>3</mn></mrow></msup>",
            "2 × 10^(−3)",
        ),
        (
            '<munder><mo data-mjx-texclass="OP" movablelimits="true">min'
            '</mo><mi>G</mi></munder><munder><mo data-mjx-texclass="OP" '
            'movablelimits="true">max</mo><mi>D</mi></munder><mi>V</mi>',
            "min_G max_D V",
        ),
        ("<msup><mi>σ</mi><mo>′</mo></msup>", "σ′"),
        (
            "<mi>p</mi><mo>(</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo>)</mo>",
            "p(x, y)",
        ),
    ],
)
def test_formulas_read_as_one_types_them(body, text):
    assert math_text.linear(mml(body)) == text


def test_the_text_comes_from_the_containers_mathml():
    assert math_text.of_container(container(LOG_P)) == "log p_θ(x)"
    assert math_text.of_container("<mjx-container></mjx-container>") == ""


# --- punctuation stays with the formula -----------------------------------


def test_a_formula_and_the_punctuation_after_it_are_glued():
    math = f'<span class="arithmatex">{container(LOG_P)}</span>'
    html = f"<p>其中 {math}，即对数似然。</p>"
    out = math_glue.glue(html)
    assert f'<span class="math-nobr">{math}，</span>即' in out
    # in English, and in a notebook cell (no arithmatex span)
    out = math_glue.glue(f"<p>of {container(LOG_P)}. Then</p>")
    assert f'<span class="math-nobr">{container(LOG_P)}.</span> Then' in out
    # an opening bracket before it, a closing one after
    out = math_glue.glue(f"<p>（{math}）</p>")
    assert f'<p><span class="math-nobr">（{math}）</span></p>' == out


def test_formulas_without_punctuation_and_displays_are_left_alone():
    html = (
        f'<p>a <span class="arithmatex">{container(LOG_P)}</span> b</p>'
        f'<div class="arithmatex">{container(LOG_P, display=True)}</div>.'
    )
    assert math_glue.glue(html) == html


# --- the search index's text -----------------------------------------------


def test_inline_formulas_are_searched_as_text_then_leave_the_page():
    display = f'<div class="arithmatex">{container(LOG_P, True)}</div>'
    html = f"<h2>Against {container(LOG_P)}</h2>{display}"
    indexed = search_index.with_math_text(html)
    assert indexed == (
        f"<h2>Against {container(LOG_P)}"
        '<template class="search-math">log p_θ(x)</template></h2>'
        f"{display}"
    )
    assert search_index.without_math_text(indexed) == html


def test_material_indexes_the_text_and_not_the_permalink():
    from material.plugins.search.plugin import Parser

    page = search_index.exclude_repeats(
        search_index.with_math_text(
            f'<h3 id="t">The true ELBO against {container(LOG_P)}'
            '<a class="anchor-link" href="#t">¶</a></h3>'
            f"<p>Given {container(LOG_P)}, the bound</p>"
        )
    )
    parser = Parser()
    parser.feed(page)
    parser.close()
    section = parser.data[-1]
    assert "".join(section.title).strip() == (
        "The true ELBO against log p_θ(x)"
    )
    assert "".join(section.text).strip() == (
        "<p>Given log p_θ(x), the bound</p>"
    )


def test_the_index_is_single_spaced_out_of_code(tmp_path):
    path = tmp_path / search_index.INDEX
    path.parent.mkdir()
    docs = [{"location": "", "title": "t", "text": "a   b <pre>x  y</pre>"}]
    path.write_text(json.dumps({"docs": docs}), "utf-8")
    search_index.compact(tmp_path)
    text = json.loads(path.read_text("utf-8"))["docs"][0]["text"]
    assert text == "a b <pre>x  y</pre>"


def test_a_notebooks_contents_show_its_headings_math_as_text():
    from types import SimpleNamespace as Item

    from gen_src.website.math_scan import Formula

    child = Item(title="Cost &lt; \\$5 and $y$", children=[])
    toc = [Item(title="The true ELBO against $\\beta$", children=[child])]
    formulas = {Formula("\\beta", False): container(LOG_P)}
    math_text.plain_toc(toc, formulas)
    assert toc[0].title == "The true ELBO against log p_θ(x)"
    assert child.title == "Cost &lt; $5 and $y$"  # y: never typeset


def test_code_blocks_are_indexed_once_in_the_default_language(tmp_path):
    path = tmp_path / search_index.INDEX
    path.parent.mkdir()
    text = "a <pre><code>def f(): pass</code></pre> b"
    docs = [
        {"location": "vae/#loss", "title": "t", "text": text},
        {"location": "zh/vae/#loss", "title": "t", "text": text},
    ]
    path.write_text(json.dumps({"docs": docs}), "utf-8")
    search_index.compact(tmp_path, ("zh",))
    english, chinese = json.loads(path.read_text("utf-8"))["docs"]
    assert english["text"] == text
    assert chinese["text"] == "a b"
