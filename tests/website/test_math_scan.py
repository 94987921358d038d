"""Where the math is on a page (gen_src/website/math_scan.py): what the
runtime MathJax searched, and where each formula ends."""

from __future__ import annotations

from gen_src.website.math_scan import Formula, find, find_in_text


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
