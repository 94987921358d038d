"""The built site in headless Chromium: math, language switch, search, and
no request to any host but 127.0.0.1. Served at / and under a sub-path."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import Visit, serving

pytestmark = pytest.mark.browser
MOUNT = "/course/generative/"


@pytest.fixture(scope="module")
def server(built_site, tmp_path_factory):
    """One server: the site at / and the same site under MOUNT."""
    root = tmp_path_factory.mktemp("www")
    for item in built_site.iterdir():
        (root / item.name).symlink_to(item)
    mount = root / MOUNT.strip("/")
    mount.parent.mkdir(parents=True)
    mount.symlink_to(built_site)
    with serving(root) as origin:
        yield origin


@pytest.fixture
def visit(browser):
    v = Visit(browser)
    yield v
    v.close()


def wait_for_math(page):
    page.wait_for_selector("mjx-container", timeout=20_000)
    page.wait_for_function(
        "() => !document.querySelector("
        "'.arithmatex:not(:has(mjx-container))')",
        timeout=20_000,
    )


def switch_language(page, lang):
    """Click the switcher's entry for lang (it sits in a hover menu)."""
    link = page.locator(f"a.md-select__link[hreflang={lang}]").first
    before = page.url
    link.dispatch_event("click")
    # not expect_navigation(): with navigation.instant, Material replaces
    # the history entry after load (a same-document "navigation")
    page.wait_for_url(lambda url: url != before, timeout=20_000)
    page.wait_for_load_state("load")


@pytest.mark.parametrize("lang, path", [("en", ""), ("zh", "zh/")])
@pytest.mark.parametrize("mount", ["/", MOUNT])
def test_home_page(server, visit, lang, path, mount):
    page = visit.page
    page.goto(server + mount + path)
    assert page.locator("html").get_attribute("lang") == lang
    wait_for_math(page)
    text = page.locator("article").inner_text()
    assert "$$" not in text and "\\frac" not in text and "\\(" not in text
    assert page.locator("article mjx-container svg").count() >= 3

    # The switcher leads to the same page in the other language.
    other = "zh" if lang == "en" else "en"
    switch_language(page, other)
    assert page.locator("html").get_attribute("lang") == other
    want = server + mount + ("zh/" if other == "zh" else "")
    assert page.url == want
    assert not visit.failures, visit.failures
    assert not visit.foreign_hosts(), visit.foreign_hosts()


def test_switcher_keeps_the_page(server, visit):
    page = visit.page
    page.goto(server + MOUNT + "about/")
    switch_language(page, "zh")
    assert page.url == server + MOUNT + "zh/about/"
    assert not visit.failures, visit.failures


@pytest.mark.parametrize(
    "lang, query",
    [
        ("zh", "生成器"),
        ("en", "discriminator"),
        ("zh", "ELBO"),
        ("en", "ELBO"),
    ],
)
def test_search_answers_in_the_pages_language(server, visit, lang, query):
    """One index holds both languages; a page's search lists its own."""
    page = visit.page
    page.goto(server + MOUNT + ("zh/" if lang == "zh" else ""))
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # Material searches on key events; fill() sends none
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    results = page.locator(".md-search-result__meta").inner_text()
    count = int(re.search(r"\d+", results).group())  # "N matching documents"
    items = page.locator("li.md-search-result__item")
    # Material renders the first 10 at once, the rest as one scrolls
    assert items.count() == min(count, 10), (results, items.count())
    links = page.locator("a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)"
    )
    assert links
    for link in links:
        assert ("/zh/" in link) == (lang == "zh"), (query, link)
        assert not re.search(r"[?&]h=(&|#|$)", link), link  # no empty ?h=
    assert not visit.failures, visit.failures
    assert not visit.foreign_hosts(), visit.foreign_hosts()


def test_notebook_page_math_and_switcher(server, visit):
    page = visit.page
    page.goto(server + MOUNT + "notebooks/vae/")
    page.wait_for_selector(".jp-MarkdownOutput mjx-container", timeout=20_000)
    prose = " ".join(page.locator(".jp-MarkdownOutput").all_inner_texts())
    assert "$" not in prose and "\\mathcal" not in prose
    assert page.locator(".jp-OutputArea img").count() >= 1  # real figures
    switch_language(page, "zh")
    assert page.url == server + MOUNT + "zh/notebooks/vae/"
    assert page.locator("html").get_attribute("lang") == "zh"
    assert not visit.failures, visit.failures
    assert not visit.foreign_hosts(), visit.foreign_hosts()


# --- build-time math, page weight, instant navigation ----------------------

# Raw TeX a reader could see: a control word, or math delimiters.
RAW_TEX = re.compile(r"\\[A-Za-z]{2,}|\\[()[\]]|\$\$|\$[^$\s][^$]*\$")
VISIBLE_PROSE = """() => {
  // code, outputs, formulas, and a code cell's hidden copy (for the copy
  // button; a detached clone's innerText would include it)
  const root = document.querySelector('article').cloneNode(true);
  for (const el of root.querySelectorAll(
    'pre, code, script, style, mjx-container, .highlight, .jp-OutputArea, '
    + '.clipboard-copy-txt'))
    el.remove();
  return root.innerText;
}"""
MATH_DRAWN = """() => {
  const uses = [...document.querySelectorAll('mjx-container use')];
  const missing = uses.filter(u => !document.getElementById(
    (u.getAttribute('xlink:href') || u.getAttribute('href')).slice(1)));
  const empty = [...document.querySelectorAll('mjx-container > svg')]
    .filter(s => s.getBoundingClientRect().width === 0
      && s.closest('details:not([open])') === null
      && s.closest('.tabbed-block') === null);
  return {
    formulas: document.querySelectorAll('mjx-container').length,
    glyphs: uses.length, missing: missing.length, empty: empty.length,
    caches: document.querySelectorAll('#MJX-SVG-global-cache').length,
    runtime: typeof window.MathJax,
  };
}"""


def site_pages(site: Path) -> list[str]:
    return sorted(
        p.parent.relative_to(site).as_posix() + "/"
        if p.name == "index.html"
        else p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
    )


def test_no_raw_tex_on_any_page_and_every_formula_drawn(
    built_site, server, visit
):
    """Every page, both languages: the math is finished SVG, drawn with
    glyphs the page carries, and no math script runs."""
    page = visit.page
    problems, formulas = [], 0
    for path in site_pages(built_site):
        path = "" if path == "./" else path
        page.goto(server + MOUNT + path)
        prose = page.evaluate(VISIBLE_PROSE)
        raw = sorted(set(RAW_TEX.findall(prose)))
        if raw:
            problems.append(f"{path or '/'}: raw TeX {raw[:5]}")
        math = page.evaluate(MATH_DRAWN)
        formulas += math["formulas"]
        if math["missing"] or math["empty"] or math["runtime"] != "undefined":
            problems.append(f"{path or '/'}: {math}")
        if math["formulas"] and math["caches"] != 1:
            problems.append(f"{path or '/'}: {math['caches']} glyph caches")
    assert not problems, "\n".join(problems)
    assert formulas > 500  # the pages do have math
    scripts = [u for u in visit.requests if urlsplit(u).path.endswith(".js")]
    assert not [u for u in scripts if "mathjax" in u.lower()]  # its CSS only
    assert not visit.failures, visit.failures
    assert not visit.foreign_hosts(), visit.foreign_hosts()


@pytest.mark.parametrize("path", ["gan/", "zh/vae/", "notebooks/vae/"])
def test_the_browser_loads_only_what_the_page_weight_counts(
    built_site, server, visit, path
):
    """gen_src/builder/page_weight.py lists what a page loads from the
    files; a real browser, scrolled to the bottom, loads nothing else
    but the live figures, whose data and styles have their own budget
    (700 kB a page: tests/browser/test_widgets.py)."""
    from gen_src.builder import page_weight

    static = set(
        page_weight.Site(built_site).weight(f"{path}index.html").files
    )
    page = visit.page
    page.goto(server + MOUNT + path)
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height + 900, 600):  # lazy pictures load on the way
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    page.wait_for_load_state("networkidle")
    loaded = {
        urlsplit(u).path.removeprefix(MOUNT)
        for u in visit.requests
        if urlsplit(u).path.startswith(MOUNT)
    }
    loaded = {
        p + "index.html" if p.endswith("/") or not p else p
        for p in loaded
        if not p.startswith(("widgets/", "assets/widgets"))
    }
    assert f"{path}index.html" in loaded
    assert loaded <= static, sorted(loaded - static)


@pytest.fixture(scope="module")
def instant_server(built_site, tmp_path_factory):
    """The site under MOUNT, with a sitemap that names this server (as a
    published build's names its site_url): Material's instant navigation
    only follows links its sitemap lists."""
    root = tmp_path_factory.mktemp("instant")
    site = root / MOUNT.strip("/")
    site.mkdir(parents=True)
    for item in built_site.iterdir():
        if item.name != "sitemap.xml":
            (site / item.name).symlink_to(item)
    with serving(root) as origin:
        sitemap = (built_site / "sitemap.xml").read_text("utf-8")
        sitemap = re.sub(
            r"(<loc>|href=\")None(?:\./)?", rf"\g<1>{origin}{MOUNT}", sitemap
        )
        (site / "sitemap.xml").write_text(sitemap, "utf-8")
        yield origin


def instant_go(page, pathname: str) -> None:
    """Click the navigation's link to pathname; the page must not reload."""
    page.evaluate("window.__notReloaded = true")
    before = page.url
    page.evaluate(
        """(pathname) => [...document.querySelectorAll('a.md-nav__link')]
          .find(a => new URL(a.href).pathname === pathname).click()""",
        pathname,
    )
    page.wait_for_url(lambda url: url != before, timeout=20_000)
    page.wait_for_function(
        "(p) => location.pathname === p && document.querySelector("
        "'article h1')",
        arg=pathname,
        timeout=20_000,
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__notReloaded === true"), "a full reload"


def test_instant_navigation_with_math_and_the_language_switcher(
    instant_server, visit
):
    page = visit.page
    page.goto(instant_server + MOUNT + "gan/")
    instant_go(page, MOUNT + "vae/")
    math = page.evaluate(MATH_DRAWN)
    assert math["formulas"] > 50 and math["caches"] == 1, math
    assert not math["missing"] and not math["empty"], math
    # the switcher follows the page it is on now, not the first one
    link = page.locator("a.md-select__link[hreflang=zh]").first
    assert link.evaluate("a => a.href") == instant_server + MOUNT + "zh/vae/"
    switch_language(page, "zh")  # a full load into the other language
    assert page.url == instant_server + MOUNT + "zh/vae/"
    assert page.locator("html").get_attribute("lang") == "zh"
    assert page.evaluate("window.__notReloaded === undefined")
    instant_go(page, MOUNT + "zh/gan/")
    math = page.evaluate(MATH_DRAWN)
    assert math["formulas"] > 50 and not math["missing"], math
    switch_language(page, "en")
    assert page.url == instant_server + MOUNT + "gan/"
    assert not visit.failures, visit.failures
    assert not visit.foreign_hosts(), visit.foreign_hosts()


def test_search_keeps_the_language_after_instant_navigation(
    instant_server, visit
):
    """From a page two levels deep to one a level deep: the search still
    ranks by the language the address says (docs/assets/search-language.js
    must not take the first page's relative base for the site's root)."""
    page = visit.page
    page.goto(instant_server + MOUNT + "zh/notebooks/vae/")
    instant_go(page, MOUNT + "zh/about/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill("ELBO")
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    links = page.locator("a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)"
    )
    assert links and all("/zh/" in link for link in links), links
