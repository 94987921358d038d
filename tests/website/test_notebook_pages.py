"""Notebook pages in the built site: both languages, take-aways, search.

The downloaded notebooks are executed top to bottom, in the smoke profile,
with the installed package outside the checkout, as a teacher would run
them: tests/test_installed_package.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from gen_src.builder import (
    notebook_kernel,
    notebook_publish,
    notebooks,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [s for langs in notebooks.find().values() for s in langs.values()]
REPO_PATH = re.sub(r"^https://github\.com/", "", notebook_publish.repository())


def page_dir(site: Path, source: notebooks.Source) -> Path:
    prefix = [] if source.lang == "en" else [source.lang]
    return site.joinpath(*prefix, "notebooks", source.name)


def ids(source):
    return f"{source.name}-{source.lang}"


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_page_offers_the_notebook_colab_and_snippets(built_site, source):
    folder = page_dir(built_site, source)
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{source.lang}"' in html
    assert f'href="{source.filename}" download' in html
    assert (folder / source.filename).is_file()
    colab = re.search(
        r'href="(https://colab\.research\.google\.com/[^"]+)"', html
    ).group(1)
    site_path = folder.relative_to(built_site).as_posix()
    assert colab == (
        f"https://colab.research.google.com/github/{REPO_PATH}"
        f"/blob/gh-pages/{site_path}/{source.filename}"
    )
    for snippet in notebooks.embedded_files(source):
        published = built_site / "downloads" / snippet
        assert published.read_bytes() == (ROOT / snippet).read_bytes()
        assert Path(snippet).name in html
    assert "CC BY-SA 4.0" in html and "MIT" in html
    # output pictures are files beside the page, not base64 inside it
    assert "data:image/png;base64" not in html
    pictures = re.findall(
        r'<img alt="[^"]+" loading="lazy" src="([^"]+)"', html
    )
    assert pictures, "no output picture on the page"
    for name in pictures:
        assert (folder / name).read_bytes()[:4] == b"\x89PNG", name


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_switcher_leads_to_the_other_language(built_site, source):
    html = (page_dir(built_site, source) / "index.html").read_text("utf-8")
    links = dict(re.findall(r'href="([^"]+)" hreflang="([a-z]+)"', html))
    by_lang = {lang: href for href, lang in links.items()}
    folder = page_dir(built_site, source)
    for lang in ("en", "zh"):
        target = (folder / by_lang[lang]).resolve()
        twin = notebooks.Source(source.name, lang, source.path)
        assert target == page_dir(built_site, twin).resolve(), by_lang


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_math_in_markdown_cells_is_typeset_at_build_time(built_site, source):
    html = (page_dir(built_site, source) / "index.html").read_text("utf-8")
    assert "jp-MarkdownOutput" in html
    assert "<mjx-container" in html and 'id="MJX-SVG-global-cache"' in html
    assert "mathjax" not in " ".join(re.findall(r"<script[^>]*>", html))
    assert "mathjax/2" not in html and "cdnjs" not in html
    assert 'rel="stylesheet" href="../../' in html  # the shared notebook CSS


def _output_only_lines(nb) -> list[str]:
    """Printed lines with a number that no code or Markdown cell holds."""
    sources = "\n".join(cell.source for cell in nb.cells)
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                line = line.strip()
                if re.search(r"\d\.\d", line) and line not in sources:
                    found.append(line)
    return found


def test_search_finds_a_notebook_by_its_headings_only(built_site):
    """The index, which every page loads, keeps a notebook page's
    headings; its prose, code and outputs stay out (its code is its
    page's)."""
    index = json.loads(
        (built_site / "search" / "search_index.json").read_text(
            encoding="utf-8"
        )
    )
    for source in SOURCES:
        url = page_dir(built_site, source).relative_to(built_site)
        docs = [
            doc
            for doc in index["docs"]
            if doc["location"].startswith(f"{url.as_posix()}/")
        ]
        assert docs and docs[0]["title"], f"{url} is not in the search index"
        nb = nbformat.read(
            page_dir(built_site, source) / source.filename, as_version=4
        )
        setup = next(c for c in nb.cells if c.cell_type == "code").source
        text = " ".join(doc["text"] for doc in docs)
        assert setup.splitlines()[0] not in text, url
        assert "Copied!" not in text and "In [1]:" not in text, url


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_downloaded_notebook_is_valid(built_site, source):
    path = page_dir(built_site, source) / source.filename
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert any(
        o.get("output_type") in ("display_data", "execute_result")
        and "image/png" in o.get("data", {})
        for cell in nb.cells
        for o in cell.get("outputs", [])
    ), f"{path.name} shows no figure"
    code = [c for c in nb.cells if c.cell_type == "code"]
    exercises = [
        c
        for c in code
        if notebook_kernel.EXERCISE in c.metadata.get("tags", [])
    ]
    assert exercises, "no exercise cell"  # published for the reader to run
    assert all(c.execution_count for c in code if c not in exercises), (
        "a code cell never ran"
    )
    assert not any(c.outputs for c in exercises)


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_the_setup_cell_installs_the_commit_the_site_was_built_from(
    built_site, source
):
    from importlib.metadata import version

    from gen_src.builder import notebook_source

    folder = page_dir(built_site, source)
    nb = nbformat.read(folder / source.filename, as_version=4)
    setup = next(c for c in nb.cells if "setup" in c.metadata.get("tags", []))
    revision = notebook_publish.revision()
    assert f"git+{notebook_publish.repository()}@{revision}" in setup.source
    assert f"safetensors=={version('safetensors')}" in setup.source
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert notebook_source.REVISION not in page + setup.source
    assert revision in page
