"""The offline copy (`make offline`) in headless Chromium, from file://.

Built as `make offline` builds it (GEN_OFFLINE=true, then
`python -m gen_src zip`), unzipped into a folder outside the checkout,
and opened from disk: the menu, the language switcher, search in both
languages, the live figures and the math all work there, and no request
leaves file://.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from gen_src.builder import offline_zip

from .conftest import Visit
from .test_browser import switch_language

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The archive unzipped; its folder (the one to double-click in)."""
    work = tmp_path_factory.mktemp("offline")
    site, archive = work / "site-offline", work / "site-offline.zip"
    env = {**os.environ, "GEN_OFFLINE": "true"}
    build = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    build += ["--site-dir", str(site)]
    proc = subprocess.run(
        build, cwd=ROOT, env=env, capture_output=True, text=True
    )
    if proc.returncode:
        pytest.fail(f"the offline build failed:\n{proc.stderr[-6000:]}")
    zipping = [sys.executable, "-m", "gen_src", "zip", str(site), str(archive)]
    subprocess.run(zipping, cwd=ROOT, check=True, capture_output=True)
    unzipped = tmp_path_factory.mktemp("classroom")
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(unzipped)
    return unzipped / offline_zip.FOLDER


@pytest.fixture
def visit(browser):
    v = Visit(browser, viewport={"width": 1280, "height": 900})
    yield v
    v.close()


def only_from_disk(visit) -> None:
    schemes = {urlsplit(u).scheme for u in visit.requests}
    assert schemes <= {"file", "data", "blob", "about"}, sorted(
        u for u in visit.requests if not u.startswith("file:")
    )
    assert not visit.failures, visit.failures
    assert not visit.errors, visit.errors


def test_every_link_on_every_page_opens_a_file(copy):
    broken = []
    for page in copy.rglob("*.html"):
        if page.name == "404.html":  # a server's page: its links are /...
            continue
        text = page.read_text("utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', text):
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "//")) or not parts.path:
                continue
            if not (page.parent / unquote(parts.path)).is_file():
                broken.append(f"{page.relative_to(copy)}: {link}")
    assert not broken, broken[:20]


@pytest.mark.parametrize("lang, prefix", [("en", ""), ("zh", "zh/")])
def test_the_menu_leads_to_five_pages(copy, visit, lang, prefix):
    page = visit.page
    page.goto((copy / prefix / "index.html").as_uri())
    for target in (
        "gan.html",
        "vae.html",
        "notebooks/vae/index.html",
        "glossary.html",
        "about.html",
    ):
        link = page.locator(
            f'nav.md-nav--primary a.md-nav__link[href$="{target}"]'
        ).first
        link.dispatch_event("click")
        page.wait_for_url(f"**/{prefix}{target}", timeout=20_000)
        assert page.url == (copy / prefix / target).as_uri()
        assert page.locator("article h1").count() == 1
    only_from_disk(visit)


def test_the_switcher_leads_to_the_same_page_and_back(copy, visit):
    page = visit.page
    page.goto((copy / "gan.html").as_uri())
    switch_language(page, "zh")
    assert page.url == (copy / "zh" / "gan.html").as_uri()
    assert page.locator("html").get_attribute("lang") == "zh"
    switch_language(page, "en")
    assert page.url == (copy / "gan.html").as_uri()
    page.goto((copy / "zh" / "notebooks" / "vae" / "index.html").as_uri())
    switch_language(page, "en")
    assert page.url == (copy / "notebooks" / "vae" / "index.html").as_uri()
    only_from_disk(visit)


@pytest.mark.parametrize(
    "prefix, query", [("", "ELBO"), ("zh/", "模式崩溃"), ("zh/", "ELBO")]
)
def test_search_answers_in_the_pages_language_and_opens_a_result(
    copy, visit, prefix, query
):
    page = visit.page
    page.goto((copy / prefix / "index.html").as_uri())
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # Material searches on key events; fill() sends none
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    links = page.locator("a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)"
    )
    assert links
    for link in links:
        assert link.startswith(copy.as_uri() + "/")
        assert ("/zh/" in link) == (prefix == "zh/"), (query, link)
    page.locator("a.md-search-result__link").first.click()
    page.wait_for_url(
        lambda url: "index.html" not in url or "notebooks" in url
    )
    opened = Path(unquote(urlsplit(page.url).path))
    assert opened.is_file() and opened.suffix == ".html"
    assert page.locator("article h1").count() == 1
    only_from_disk(visit)


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_the_live_figures_and_the_math_work_from_disk(copy, visit, prefix):
    page = visit.page
    page.goto((copy / prefix / "vae.html").as_uri())
    page.wait_for_function("() => window.genExplorer", timeout=20_000)
    page.evaluate("async () => { await window.genExplorer.ready }")
    assert "vae2d" in page.evaluate("genExplorer.runs")
    image = page.evaluate("Array.from(genExplorer.decode('vae2d', [0, 0]))")
    assert len(image) == 784 and 0 <= min(image) and max(image) <= 1
    assert max(image) - min(image) > 0.1  # a picture, not a blank
    assert page.locator("article mjx-container svg").count() > 20
    page.goto((copy / prefix / "gan.html").as_uri())
    page.wait_for_function("() => window.genExplorer", timeout=20_000)
    page.evaluate("async () => { await window.genExplorer.ready }")
    page.locator(".gx-slider").focus()
    page.keyboard.press("Home")
    page.locator(".gx-play").first.evaluate(
        "e => e.scrollIntoView({block: 'center'})"
    )
    page.locator(".gx-play").first.click()
    page.wait_for_function(
        "() => genExplorer.widgets[0].frame >= 3", timeout=20_000
    )
    assert not page.locator(".gen-widget-error").count()
    only_from_disk(visit)
