"""The strict build: both languages, every page, the shell's constructs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def nav_pages() -> list[str]:
    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml uses !ENV and !!python tags; they don't matter here.
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    Loader.add_multi_constructor(
        "tag:yaml.org,2002:python/", lambda loader, suffix, node: None
    )
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)
    pages: list[str] = []

    def walk(items):
        for item in items:
            for value in item.values():
                if isinstance(value, list):
                    walk(value)
                else:
                    pages.append(value)

    walk(config["nav"])
    return pages


def html_path(site: Path, page: str, lang: str) -> Path:
    stem = re.sub(r"\.(md|py)$", "", page)  # notebooks/NAME.py: a notebook
    parts = [] if stem == "index" else [stem]
    prefix = [] if lang == "en" else [lang]
    return site.joinpath(*prefix, *parts, "index.html")


def test_every_nav_page_is_built_in_both_languages(built_site):
    for page in nav_pages():
        for lang in ("en", "zh"):
            path = html_path(built_site, page, lang)
            assert path.is_file(), f"{page} ({lang}) not built: {path}"
            html = path.read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in html, f"{path}: wrong lang"


def test_chinese_pages_are_chinese(built_site):
    html = html_path(built_site, "index.md", "zh").read_text("utf-8")
    article = html.split("<article", 1)[1]
    assert len(re.findall(r"[\u4e00-\u9fff]", article)) > 200


def test_navigation_titles_are_translated(built_site):
    def titles(html):
        return {
            t.strip()
            for t in re.findall(
                r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', html
            )
        }

    zh = titles(html_path(built_site, "index.md", "zh").read_text("utf-8"))
    en = titles(html_path(built_site, "index.md", "en").read_text("utf-8"))
    assert {"Home", "Overview", "Glossary"} <= en
    assert {"首页", "概览", "术语表", "自编码器"} <= zh
    assert not {"Overview", "Glossary", "Autoencoder"} & zh


def test_notes_constructs_render(built_site):
    html = html_path(built_site, "index.md", "en").read_text("utf-8")
    assert '<div class="admonition p">' in html  # !!! p "..."
    assert "<mark>" in html  # ==mark==
    assert 'class="arithmatex"><mjx-container' in html  # typeset
    assert "==" not in re.sub(r"<[^>]+>", "", html.split("<article")[1])


def test_figure_with_caption_and_width(built_site):
    """<figure markdown="span"> with {width=..} and a caption renders."""
    found = False
    for path in built_site.rglob("index.html"):
        html = path.read_text("utf-8")
        for fig in re.findall(r"<figure.*?</figure>", html, re.S):
            if "<figcaption" in fig and re.search(r"<img[^>]+width=", fig):
                found = True
                assert "markdown=" not in fig, f"{path}: raw md_in_html"
    assert found, "no <figure> with an image width and a caption was built"


def test_chinese_headings_get_readable_anchors(built_site):
    html = html_path(built_site, "index.md", "zh").read_text("utf-8")
    ids = re.findall(r'<h2 id="([^"]+)"', html)
    assert ids and all(re.search(r"[\u4e00-\u9fff]", i) for i in ids), ids


def test_search_index_splits_chinese(built_site):
    """Material joins jieba's words with U+200B; the separator splits there."""
    index = json.loads(
        (built_site / "search" / "search_index.json").read_text("utf-8")
    )
    separator = re.compile(index["config"]["separator"])
    tokens = set()
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", doc["text"]).lower()
        tokens.update(separator.split(text))
    assert {"生成器", "判别器", "discriminator"} <= tokens


def test_every_trained_figure_is_on_its_pages_in_both_languages(built_site):
    from gen_src.builder import live_figures, registry
    from gen_src.website import figures_md, widgets

    seen = set()
    for source in sorted((ROOT / "docs").glob("*.md")):
        text = source.read_text("utf-8")
        # a live figure (widget:NAME) shows its still figure
        names = figures_md.referenced(text) + [
            live_figures.widgets()[w].figure for w in widgets.referenced(text)
        ]
        if not names:
            continue
        stem = source.name.removesuffix(".md")
        lang = "zh" if stem.endswith(".zh") else "en"
        page = stem.removesuffix(".zh") + ".md"
        html = html_path(built_site, page, lang).read_text("utf-8")
        for name in names:
            assert re.search(  # or its drawing in the page's language
                rf'<img[^>]+src="[./]*figures/{name}(\.{lang})?\.png"', html
            ), f"{source.name}: {name} not shown"
            seen.add(name)
    for name in seen:
        png = built_site / "figures" / f"{name}.png"
        assert png.read_bytes()[:4] == b"\x89PNG", png
        record = json.loads(
            (built_site / "figures" / f"{name}.json").read_text("utf-8")
        )
        assert record["runs"] and record["figure"] == name
    # Every registered figure is used by some page.
    assert seen == set(registry.figures()), set(registry.figures()) - seen


def test_every_embed_was_expanded(built_site):
    """No page shows an embed line instead of the code it names (a
    formatter once turned `--8<-- "x"` into `--8 < --"x"`, which
    pymdownx.snippets leaves alone)."""
    pattern = re.compile(r"--8\s*(<|&lt;)\s*--")
    left = []
    for page in built_site.rglob("*.html"):
        text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
        if pattern.search(text):
            left.append(str(page.relative_to(built_site)))
    assert not left, f"embed lines left on {left}"


def test_pages_embed_the_same_code_in_both_languages_and_it_exists():
    """Every embed target names a file and section that exist."""
    root = Path(__file__).resolve().parents[2]
    for page in (root / "docs").glob("*.md"):
        for target in re.findall(
            r'^--8<-- "([^"]+)"', page.read_text(encoding="utf-8"), re.M
        ):
            path, _, section = target.partition(":")
            text = (root / path).read_text(encoding="utf-8")
            assert not section or f"[start:{section}]" in text, (
                page.name,
                target,
            )
