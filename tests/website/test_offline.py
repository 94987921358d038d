"""Nothing on any built page is loaded from another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

# Attributes that make the browser fetch something (links are not loads).
LOADING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
LOADING_REL = {
    "stylesheet",
    "icon",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "manifest",
    "apple-touch-icon",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def is_remote(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class Loads(HTMLParser):
    def __init__(self):
        super().__init__()
        self.remote: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        urls = []
        for name in LOADING.get(tag, ()):
            value = attrs.get(name) or ""
            urls += [part.split()[0] for part in value.split(",") if part]
        if tag == "link":
            rel = set((attrs.get("rel") or "").lower().split())
            if rel & LOADING_REL:
                urls.append(attrs.get("href") or "")
        if attrs.get("style"):
            urls += [a or b for a, b in CSS_URL.findall(attrs["style"])]
        self.remote += [f"<{tag}> {u}" for u in urls if is_remote(u)]


def remote_loads_in_html(text: str) -> list[str]:
    parser = Loads()
    parser.feed(text)
    for block in re.findall(r"<style[^>]*>(.*?)</style>", text, re.S):
        parser.remote += [
            f"<style> {a or b}"
            for a, b in CSS_URL.findall(block)
            if is_remote(a or b)
        ]
    return parser.remote


def test_detector_finds_remote_loads():
    html = (
        '<link rel="stylesheet" href="https://fonts.googleapis.com/x">'
        '<script src="//unpkg.com/mathjax"></script>'
        '<a href="https://example.org">a link is not a load</a>'
        '<img src="pics/a.svg"><style>@import "https://x.org/a.css";'
        "</style>"
    )
    found = remote_loads_in_html(html)
    assert len(found) == 3, found


def test_no_page_loads_from_another_host(built_site: Path):
    problems = []
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        for item in remote_loads_in_html(page.read_text("utf-8")):
            problems.append(f"{page.relative_to(built_site)}: {item}")
    assert not problems, "\n".join(problems)


def test_no_stylesheet_imports_from_another_host(built_site: Path):
    problems = []
    for sheet in built_site.rglob("*.css"):
        for a, b in CSS_URL.findall(sheet.read_text("utf-8")):
            if is_remote(a or b):
                problems.append(f"{sheet.relative_to(built_site)}: {a or b}")
    assert not problems, "\n".join(problems)
