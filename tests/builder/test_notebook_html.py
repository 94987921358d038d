"""A notebook's page body (gen_src/builder/notebook_html.py): the
converter's HTML without its CDN scripts and CSS, headings with the
site's slugs nested into a table of contents, pictures as files."""

from __future__ import annotations

import base64
import io
import re
from importlib.metadata import version

import nbformat
import pytest

from gen_src.builder import notebook_html, strings


def png_bytes() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(0.3, 0.2))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def picture() -> bytes:
    return png_bytes()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, picture):
    """One notebook rendered: headings in three levels, one twice, one
    without a letter a slug keeps; a code cell with a picture."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    output = nbformat.v4.new_output(
        "display_data",
        data={
            "image/png": base64.b64encode(picture).decode(),
            "text/plain": "<Figure>",
        },
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Intro\n\n## Part\n\n### Sub\n\n## Part\n\n# 训练 *VAE*"
        ),
        nbformat.v4.new_code_cell("draw()", outputs=[output]),
        nbformat.v4.new_markdown_cell("## !!!\n\nText $a_1$."),
        nbformat.v4.new_markdown_cell("## ???"),
    ]
    path = tmp_path_factory.mktemp("render") / "page.ipynb"
    nbformat.write(nb, path)
    return notebook_html.render(path)


def test_the_converter_version_names_mkdocs_jupyter():
    assert notebook_html.converter_version() == (
        f"mkdocs-jupyter {version('mkdocs-jupyter')}"
    )


def test_render_drops_the_converter_s_mathjax_and_mermaid(rendered):
    """The site serves its own MathJax; nothing is imported from a CDN;
    the math is left in the text for it."""
    body, css, _, _ = rendered
    assert "<!-- Load mathjax -->" not in body
    assert "MathJax.Hub" not in body
    assert '<script type="module">' not in body
    assert "jp-Mermaid" not in body
    assert "$a_1$" in body
    assert "<style" not in body and css.strip()


def test_render_gives_headings_unique_slugs_and_a_nested_toc(rendered):
    """A repeated heading gets _1; inline markup is not in the name;
    levels nest; the first level-1 heading is the title."""
    body, _, toc, title = rendered
    assert title == "Intro"

    def shape(tokens):
        return [
            (t["level"], t["id"], t["name"], shape(t["children"]))
            for t in tokens
        ]

    assert shape(toc) == [
        (
            1,
            "intro",
            "Intro",
            [
                (2, "part", "Part", [(3, "sub", "Sub", [])]),
                (2, "part_1", "Part", []),
            ],
        ),
        (
            1,
            "训练-vae",
            "训练 VAE",
            [(2, "section", "!!!", []), (2, "section_1", "???", [])],
        ),
    ]
    ids = re.findall(r'<h[1-6] id="([^"]*)">', body)
    assert ids == [
        "intro",
        "part",
        "sub",
        "part_1",
        "训练-vae",
        "section",
        "section_1",  # a second heading without a slug
    ]
    for anchor in ids:
        assert f'<a class="anchor-link" href="#{anchor}">' in body


def test_the_converter_s_picture_becomes_a_file_beside_the_page(
    rendered, picture, tmp_path
):
    body, _, _, _ = rendered
    assert len(notebook_html.IMAGE.findall(body)) == 1
    page, names = notebook_html.own_files(body, tmp_path, "page", "en")
    assert names == ["page-1.png"]
    assert (tmp_path / "page-1.png").read_bytes() == picture
    assert "data:image/png" not in page
    assert 'loading="lazy" src="page-1.png"' in page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_own_files_numbers_the_pictures_with_the_language_s_alt(
    tmp_path, lang
):
    pictures = [b"\x89PNG one", b"\x89PNG two"]
    body = "".join(
        '<p>text</p><img alt="No description" class="" '
        f'src="data:image/png;base64,{base64.b64encode(p).decode()}"/>'
        for p in pictures
    )
    page, names = notebook_html.own_files(body, tmp_path, "vae.zh", lang)
    assert names == ["vae.zh-1.png", "vae.zh-2.png"]
    assert [(tmp_path / n).read_bytes() for n in names] == pictures
    alt = strings.table(lang)["notebook"]["output_alt"]
    assert page == "".join(
        f'<p>text</p><img alt="{alt}" loading="lazy" src="{n}"/>'
        for n in names
    )


def test_own_files_leaves_a_page_without_pictures_alone(tmp_path):
    body = '<p>no pictures</p><img alt="logo" src="logo.svg"/>'
    assert notebook_html.own_files(body, tmp_path, "p", "en") == (body, [])
    assert list(tmp_path.iterdir()) == []


def test_nest_puts_each_heading_under_the_last_higher_one():
    """A skipped level still nests; a heading before any higher one is
    at the top."""
    flat = [
        {"level": level, "id": str(i), "children": []}
        for i, level in enumerate([2, 1, 3, 2, 4, 1])
    ]

    def shape(tokens):
        return [(t["id"], shape(t["children"])) for t in tokens]

    assert shape(notebook_html._nest(flat)) == [
        ("0", []),
        ("1", [("2", []), ("3", [("4", [])])]),
        ("5", []),
    ]
