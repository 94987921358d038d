"""The built site in headless Chromium: math, language switch, search, and
no request to any host but 127.0.0.1. Served at / and under a sub-path."""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
MOUNT = "/course/generative/"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site, tmp_path_factory):
    """One server: the site at / and the same site under MOUNT."""
    root = tmp_path_factory.mktemp("www")
    for item in built_site.iterdir():
        (root / item.name).symlink_to(item)
    mount = root / MOUNT.strip("/")
    mount.parent.mkdir(parents=True)
    mount.symlink_to(built_site)
    handler = functools.partial(Quiet, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make setup` (it installs "
            "Debian's chromium) or set CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A fresh context that records every request and failed response."""

    def __init__(self, browser):
        self.context = browser.new_context(service_workers="block")
        self.requests: list[str] = []
        self.failures: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.on("requestfailed", self._failed)
        self.context.on("response", self._response)
        self.page = self.context.new_page()

    def _failed(self, request):
        # A navigation cancels what the old page was still loading.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failures.append(f"failed {request.url}: {request.failure}")

    def _response(self, response):
        if response.status >= 400:
            self.failures.append(f"{response.status} {response.url}")

    def foreign_hosts(self) -> set[str]:
        return {
            urlsplit(u).hostname
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).hostname != "127.0.0.1"
        }

    def close(self):
        self.context.close()


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
    with page.expect_navigation():
        link.dispatch_event("click")


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
