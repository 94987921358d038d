"""What a reader's browser transfers for each page of the built site.

    python -m gen_src.builder.page_weight SITE_DIR [--json FILE]

For every HTML page: the page, and every file it makes the browser load,
each counted once: stylesheets (and what their url()s load), scripts,
pictures (lazy ones too: a reader who scrolls loads them), icons, and what
Material's JavaScript fetches at start: the search index, the search
worker and the sitemap. Text files (HTML, CSS, JS, JSON, SVG, XML) are
counted gzipped, as a static host such as GitHub Pages sends them; PNG,
JPEG, WebP and fonts as they are. Files on other hosts are listed apart
(tests/website/test_offline.py makes sure there are none).

tests/builder/test_page_weight.py holds every page to a limit, and
tests/browser checks that a real browser loads nothing this list misses.
"""

from __future__ import annotations

import argparse
import gzip
import json
import posixpath
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

GZIPPED = {
    ".html",
    ".css",
    ".js",
    ".mjs",
    ".json",
    ".svg",
    ".xml",
    ".txt",
    ".map",
    ".ipynb",
}
GZIP_LEVEL = 6  # what static hosts commonly use
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
CONFIG = re.compile(
    r'<script id="__config" type="application/json">(.*?)</script>', re.S
)


@dataclass
class Weight:
    page: str  # the page's path in the site, e.g. "gan/index.html"
    files: dict[str, int] = field(default_factory=dict)  # path -> bytes
    remote: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.files.values())

    def by_kind(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for path, size in self.files.items():
            kind = _kind(path)
            kinds[kind] = kinds.get(kind, 0) + size
        return kinds


def _kind(path: str) -> str:
    if path.endswith("search_index.json"):
        return "search"
    ext = posixpath.splitext(path)[1].lower()
    return {
        ".html": "html",
        ".css": "css",
        ".js": "js",
        ".png": "pictures",
        ".svg": "pictures",
        ".jpg": "pictures",
        ".jpeg": "pictures",
        ".webp": "pictures",
        ".gif": "pictures",
        ".woff": "fonts",
        ".woff2": "fonts",
        ".ttf": "fonts",
    }.get(ext, "other")


class _Loads(HTMLParser):
    """URLs that make the browser load something."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "iframe", "audio", "embed", "track"):
            self._add(attrs.get("src"))
        elif tag in ("img", "source", "video", "input"):
            self._add(attrs.get("src"))
            self._add(attrs.get("poster"))
            for part in (attrs.get("srcset") or "").split(","):
                self._add(part.strip().split(" ")[0] if part.strip() else "")
        elif tag == "object":
            self._add(attrs.get("data"))
        elif tag == "link":
            rel = set((attrs.get("rel") or "").lower().split())
            if rel & {
                "stylesheet",
                "icon",
                "preload",
                "modulepreload",
                "manifest",
            }:
                self._add(attrs.get("href"))
        if attrs.get("style"):
            for url in CSS_URL.findall(attrs["style"]):
                self._add(url)

    def _add(self, url):
        if url:
            self.urls.append(url)


def transfer_size(path: Path) -> int:
    data = path.read_bytes()
    if path.suffix.lower() in GZIPPED:
        return len(gzip.compress(data, GZIP_LEVEL, mtime=0))
    return len(data)


class Site:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._sizes: dict[str, int] = {}

    def size(self, rel: str) -> int | None:
        if rel not in self._sizes:
            path = self.root / rel
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                return None
            self._sizes[rel] = transfer_size(path)
        return self._sizes[rel]

    def resolve(self, url: str, base: str) -> str | None:
        """The site path that url (on the page or file at base) loads;
        None for data: URLs and other hosts."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return None
        if parts.scheme or parts.netloc:
            return "remote"
        path = unquote(parts.path)
        if not path:
            return None
        if path.startswith("/"):
            joined = path.lstrip("/")
        else:
            joined = posixpath.join(posixpath.dirname(base), path)
        joined = posixpath.normpath(joined)
        if joined.startswith(".."):
            return "remote"
        return joined

    def pages(self) -> list[str]:
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in self.root.rglob("*.html")
            if not p.name.startswith("google")
        )

    def weight(self, page: str) -> Weight:
        result = Weight(page)
        text = (self.root / page).read_text("utf-8")
        self._count(result, page, page)
        parser = _Loads()
        parser.feed(text)
        urls = [(u, page) for u in parser.urls]
        urls += [(u, page) for u in self._material_fetches(text)]
        while urls:
            url, base = urls.pop(0)
            rel = self.resolve(url, base)
            if rel is None:
                continue
            if rel == "remote":
                result.remote.append(url)
                continue
            if rel in result.files:
                continue
            if not self._count(result, rel, page, url):
                continue
            if rel.endswith(".css"):  # what the stylesheet loads
                css = (self.root / rel).read_text("utf-8", "replace")
                urls += [(u, rel) for u in CSS_URL.findall(css)]
        return result

    def _count(self, result, rel, page, url=None) -> bool:
        size = self.size(rel)
        if size is None:
            result.missing.append(url or rel)
            return False
        result.files[rel] = size
        return True

    def _material_fetches(self, text: str) -> list[str]:
        """What Material's bundle fetches when the page starts, relative to
        the page: the search index and its worker, and the sitemap."""
        match = CONFIG.search(text)
        if not match:
            return []
        config = json.loads(match.group(1))
        base = config.get("base", ".").rstrip("/") or "."
        urls = [f"{base}/sitemap.xml"]
        if 'name="search"' in text or '<form class="md-search__form"' in (
            text
        ):
            urls.append(f"{base}/search/search_index.json")
            if config.get("search"):
                urls.append(config["search"])
        return urls


def measure(root: Path) -> list[Weight]:
    site = Site(root)
    return sorted(
        (site.weight(page) for page in site.pages()),
        key=lambda w: w.total,
        reverse=True,
    )


def table(weights: list[Weight]) -> str:
    kinds = ["html", "css", "js", "pictures", "search", "fonts", "other"]
    head = f"{'page':<34} {'total kB':>9} " + " ".join(
        f"{k:>8}" for k in kinds
    )
    lines = [head, "-" * len(head)]
    for w in weights:
        by = w.by_kind()
        lines.append(
            f"{w.page:<34} {w.total / 1000:>9.1f} "
            + " ".join(f"{by.get(k, 0) / 1000:>8.1f}" for k in kinds)
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--json", type=Path, help="also write the numbers")
    args = parser.parse_args(argv)
    weights = measure(args.site)
    print(table(weights))
    heaviest = weights[0]
    print(f"\nheaviest: {heaviest.page}, {heaviest.total / 1e6:.2f} MB")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {"page": w.page, "bytes": w.total, "files": w.files}
                    for w in weights
                ],
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
