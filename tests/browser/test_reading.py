"""What a reader sees, on a phone (390 px) and on a desktop (1280 px), in
both languages: every page's displayed formulas at their own size, no
page wider than the window, no line that starts with the punctuation
after a formula; search titles that keep their math; the live figures'
buttons readable in the dark scheme."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gen_src.website import math_text

from .conftest import Visit, serving

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)
MIN_CONTRAST = 4.5  # WCAG AA for text

# Each displayed formula drawn at its own size (the width and height its
# SVG asks for), the page no wider than the window, and each inline
# formula on the same line as the punctuation right after it.
LAYOUT = """() => {
  const article = document.querySelector('article');
  const visible = (el) => el.checkVisibility();
  const shrunk = [];
  for (const svg of article.querySelectorAll(
      'mjx-container[display="true"] > svg')) {
    if (!visible(svg)) continue;  // in a closed <details>, another tab
    const box = svg.getBoundingClientRect();
    const want = [svg.width.baseVal.value, svg.height.baseVal.value];
    if (!(box.width >= 0.98 * want[0] && box.height >= 0.98 * want[1]))
      shrunk.push(`${Math.round(box.width)}x${Math.round(box.height)} ` +
        `for ${Math.round(want[0])}x${Math.round(want[1])}`);
  }
  const PUNCT = '，。、；：！？）」』》,.;:!?)';
  const broken = [];
  let checked = 0;
  for (const math of article.querySelectorAll(
      'mjx-container:not([display="true"])')) {
    if (!visible(math)) continue;
    const walk = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    walk.currentNode = math;
    let next = walk.nextNode();
    while (next && math.contains(next)) next = walk.nextNode();
    if (!next || !PUNCT.includes(next.data[0])) continue;
    checked++;
    const range = document.createRange();
    range.setStart(next, 0);
    range.setEnd(next, 1);
    const mark = range.getBoundingClientRect();
    const end = [...math.getClientRects()].pop();
    if (!(mark.top < end.bottom && mark.bottom > end.top))
      broken.push(next.data.slice(0, 12).trim());
  }
  return {shrunk, broken, checked,
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth};
}"""


def content_pages(site: Path) -> list[str]:
    return sorted(
        p.parent.relative_to(site).as_posix() + "/"
        for p in site.rglob("index.html")
        if p.parent != site / "search"
    )


@pytest.fixture(scope="module")
def origin(built_site):
    with serving(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def layout(browser, built_site, origin):
    """Every page at both widths (loaded once, then resized)."""
    visit = Visit(browser, viewport={"width": WIDTHS[0], "height": 900})
    page = visit.page
    found = {}
    for path in content_pages(built_site):
        path = "" if path == "./" else path
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(f"{origin}/{path}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found[width, path or "/"] = page.evaluate(LAYOUT)
    assert not visit.failures, visit.failures
    visit.close()
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_displayed_formulas_keep_their_size(layout, width):
    shrunk = {
        path: r["shrunk"]
        for (w, path), r in layout.items()
        if w == width and r["shrunk"]
    }
    assert not shrunk, shrunk
    # the pages do have displayed math, in both languages
    assert any(p.startswith("zh/") for (w, p) in layout if w == width)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_window(layout, width):
    wide = {
        path: r["scrollWidth"]
        for (w, path), r in layout.items()
        if w == width and r["scrollWidth"] > r["innerWidth"]
    }
    assert not wide, wide


@pytest.mark.parametrize("width", WIDTHS)
def test_no_line_starts_with_the_punctuation_after_a_formula(layout, width):
    broken = {
        path: r["broken"]
        for (w, path), r in layout.items()
        if w == width and r["broken"]
    }
    assert not broken, broken
    checked = sum(r["checked"] for (w, _), r in layout.items() if w == width)
    assert checked > 100  # formulas followed by punctuation were seen


# --- search -----------------------------------------------------------------

HEADING = re.compile(
    r'<h([2-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S
)  # (level, id, inner HTML)
CONTAINER = re.compile(r"<mjx-container .*?</mjx-container>", re.S)


def test_search_titles_keep_their_math(built_site):
    """Every heading with a formula: its entry's title has the formula as
    text, and no title keeps a permalink's pilcrow."""
    index = json.loads(
        (built_site / "search" / "search_index.json").read_text("utf-8")
    )
    titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    seen = 0
    for path in content_pages(built_site):
        html = (built_site / path / "index.html").read_text("utf-8")
        for _level, anchor, inner in HEADING.findall(html):
            formulas = CONTAINER.findall(inner)
            if not formulas:
                continue
            seen += 1
            title = titles[f"{'' if path == './' else path}#{anchor}"]
            for formula in formulas:
                text = math_text.of_container(formula)
                # jieba joins the words of a Chinese title with U+200B
                assert text and text in title.replace("\u200b", ""), title
    assert seen >= 2  # the CVAE notebook's, in both languages
    assert not [t for t in titles.values() if "¶" in t]


@pytest.mark.parametrize(
    "lang, query, title",
    [("en", "true ELBO against", "β = 5"), ("zh", "真正 ELBO", "β = 5")],
)
def test_a_search_result_shows_the_headings_math(
    browser, origin, lang, query, title
):
    visit = Visit(browser)
    page = visit.page
    page.goto(f"{origin}/{'zh/' if lang == 'zh' else ''}")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # Material searches on key events; fill() sends none
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    shown = page.locator(
        ".md-search-result__article h1, .md-search-result__article h2"
    ).all_inner_texts()
    assert any(title in t.replace("\u200b", "") for t in shown), shown
    visit.close()


# --- the dark scheme ---------------------------------------------------------

CONTRASTS = """() => {
  const rgba = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => (v /= 255) <= 0.03928 ? v / 12.92
      : Math.pow((v + 0.055) / 1.055, 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (top, under) => {  // top (with alpha) over an opaque colour
    const a = top.length > 3 ? top[3] : 1;
    return under.map((u, i) => a * top[i] + (1 - a) * u);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.length > 3 && c[3] === 0) continue;
      layers.push(c);
      if (c.length === 3 || c[3] === 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under),
                                   [255, 255, 255]);
  };
  return [...document.querySelectorAll('article .md-button')].map((b) => {
    const bg = background(b);
    const fg = over(rgba(getComputedStyle(b).color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return {label: b.textContent, pressed: b.getAttribute('aria-pressed'),
            ratio: (hi + 0.05) / (lo + 0.05)};
  });
}"""


@pytest.mark.parametrize(
    "path, pressed",
    [("vae/", True), ("zh/gan/", True), ("notebooks/vae/", False)],
)
def test_buttons_are_readable_in_the_dark(browser, origin, path, pressed):
    """The live figures' buttons (pressed or not), a notebook's download
    and Colab buttons."""
    visit = Visit(browser, color_scheme="dark")
    page = visit.page
    page.goto(f"{origin}/{path}")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    if pressed:
        page.wait_for_selector("article .gx-button", timeout=20_000)
    buttons = page.evaluate(CONTRASTS)
    assert len(buttons) >= 2
    if pressed:
        assert {b["pressed"] for b in buttons} >= {"true", "false"}
    poor = [b for b in buttons if b["ratio"] < MIN_CONTRAST]
    assert not poor, poor
    visit.close()
