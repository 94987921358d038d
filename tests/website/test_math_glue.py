"""Inline math and the punctuation around it on one line
(gen_src/website/math_glue.py). tests/website/test_math_text.py has the
basic cases (a comma after, brackets around, displays left alone); here,
the edges of what is glued."""

from __future__ import annotations

import pytest

from gen_src.website.math_glue import CLASS, glue

INLINE = (
    '<mjx-container data-search-exclude class="MathJax" jax="SVG">'
    "<svg><use/></svg></mjx-container>"
)
OTHER = INLINE.replace("<use/>", "<g/>")
DISPLAY = INLINE.replace('jax="SVG"', 'jax="SVG" display="true"')
SPAN = f'<span class="arithmatex">{INLINE}</span>'


def nobr(inner: str) -> str:
    return f'<span class="{CLASS}">{inner}</span>'


@pytest.mark.parametrize("mark", list("…%?!;:") + ["，。", "）。", "”，"])
def test_every_closing_mark_after_a_formula_is_glued(mark):
    """Each closing mark, and a run of them, goes with the formula."""
    assert glue(f"a {INLINE}{mark} b") == f"a {nobr(INLINE + mark)} b"


@pytest.mark.parametrize("mark", list("（(［[｛{“‘《「『〈【"))
def test_an_opening_mark_alone_is_glued_too(mark):
    """An opening bracket right before a formula stays with it, even with
    nothing after."""
    assert glue(f"a {mark}{SPAN} b") == f"a {nobr(mark + SPAN)} b"


def test_only_marks_that_touch_the_formula_are_glued():
    """A space between the formula and the mark: the line may break there
    anyway, so nothing is wrapped; a letter is not punctuation."""
    html = f"( {INLINE} , {SPAN}x"
    assert glue(html) == html


def test_each_of_several_formulas_is_glued_on_its_own():
    """Two formulas in a sentence are two spans, and the text between them
    stays outside; a formula right before another is not swallowed."""
    html = f"若 {INLINE}，则 {OTHER}。{INLINE}{OTHER},"
    assert glue(html) == (
        f"若 {nobr(INLINE + '，')}则 {nobr(OTHER + '。')}"
        f"{INLINE}{nobr(OTHER + ',')}"
    )


def test_the_arithmatex_span_is_glued_whole():
    """The wrapper of a page formula goes inside the unbreakable span, not
    half of it."""
    assert glue(f"{SPAN}.") == nobr(SPAN + ".")


def test_a_display_formula_is_never_glued():
    """Display math is a block: punctuation after it stays where it is,
    even an inline formula right after it is glued alone."""
    html = f"{DISPLAY},"
    assert glue(html) == html
    assert glue(f"({DISPLAY}{INLINE}).") == (
        f"({DISPLAY}{nobr(INLINE + ').')}"
    )


def test_text_without_math_is_unchanged():
    """Punctuation alone, and HTML with no formula, are left as they
    are."""
    html = "<p>（见上文），。<code>f(x),</code></p>"
    assert glue(html) == html
