"""The offline build's fixes (gen_src/website/offline.py and the notebook
pages' links): the shim from the site, the search script from the final
index and placed after the shim, links to folders turned into files, and
the link to the archive on the online site."""

from __future__ import annotations

import json
import types

import pytest
from mkdocs.structure.files import File

from gen_src.website import i18n, notebook_pages, offline
from gen_src.website.page_context import PageContext


def test_the_shim_comes_from_the_site_not_from_unpkg():
    config = types.SimpleNamespace(
        extra={"polyfills": ["https://unpkg.com/iframe-worker/shim", "a.js"]}
    )
    offline.local_shim(config)
    assert config.extra["polyfills"] == ["a.js", offline.SHIM_URI]
    offline.local_shim(config)  # once only
    assert config.extra["polyfills"].count(offline.SHIM_URI) == 1


def test_the_shim_missing_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(offline.runtime, "REPOSITORY", tmp_path)
    with pytest.raises(offline.MissingShimError, match="make setup"):
        offline.add_shim([], types.SimpleNamespace())


def test_the_search_script_is_the_final_index(tmp_path):
    index = {
        "config": {"lang": ["en"]},
        "docs": [{"location": "zh/", "text": "模式"}],
    }
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(
        json.dumps(index, ensure_ascii=False), "utf-8"
    )
    (tmp_path / "search" / "search_index.js").write_text("var __index = {}")
    offline.write_search_script(tmp_path)
    script = (tmp_path / "search" / "search_index.js").read_text("utf-8")
    assert script.startswith("var __index = ")
    assert json.loads(script.removeprefix("var __index = ")) == index


HEAD = (
    '<html><head><meta charset="utf-8">'
    '<script src="../assets/iframe-worker.js"></script>'
    '<link rel="stylesheet" href="x.css"></head><body></body></html>'
)


def test_the_language_script_wraps_the_shims_worker():
    placed = i18n.search_language_script(
        HEAD, "zh/gan.html", ["en", "zh"], after_shim=True
    )
    shim = placed.index("iframe-worker.js")
    ours = placed.index('data-languages="en zh"')
    assert shim < ours < placed.index("x.css")
    # the online build: first thing in <head>
    online = i18n.search_language_script(HEAD, "zh/gan/", ["en", "zh"])
    assert online.index('data-languages="en zh"') < online.index("iframe")


def _files(tmp_path):
    docs, site = tmp_path / "docs", tmp_path / "site"
    files = [
        File(src, str(docs), str(site), False)
        for src in ("index.md", "vae.md", "zh/index.md", "zh/vae.md")
    ]
    for lang in ("", "zh/"):
        for name in ("vae", "gan"):
            page = notebook_pages.NotebookFile(
                f"notebooks/{name}.py", str(docs), str(site), False
            )
            page.url = f"{lang}notebooks/{name}/index.html"
            files.append(page)
    return files


@pytest.mark.parametrize(
    "here, link, to",
    [
        ("notebooks/gan/index.html", "../../vae/", "../../vae.html"),
        ("notebooks/gan/index.html", "../vae/#top", "../vae/index.html#top"),
        ("zh/notebooks/gan/index.html", "../../vae/", "../../vae.html"),
        ("zh/notebooks/gan/index.html", "../../", "../../index.html"),
        # not a page of the site, another site, an anchor: as they are
        ("notebooks/gan/index.html", "../../nothing/", "../../nothing/"),
        ("notebooks/gan/index.html", "https://a.org/b/", "https://a.org/b/"),
        ("notebooks/gan/index.html", "#cell-3", "#cell-3"),
    ],
)
def test_a_notebooks_links_to_folders_become_links_to_files(
    tmp_path, here, link, to
):
    body = f'<p><a href="{link}">x</a></p>'
    out = notebook_pages.file_links(body, here, _files(tmp_path))
    assert out == f'<p><a href="{to}">x</a></p>'


def test_colab_opens_the_notebook_in_the_pages_folder_either_way():
    repo = "https://github.com/o/r"
    for url in ("zh/notebooks/vae/", "zh/notebooks/vae/index.html"):
        assert notebook_pages.colab_url(repo, url, "vae.zh.ipynb").endswith(
            "/blob/gh-pages/zh/notebooks/vae/vae.zh.ipynb"
        )


@pytest.fixture
def archive(monkeypatch, tmp_path):
    monkeypatch.setattr(offline.runtime, "REPOSITORY", tmp_path)
    return tmp_path / offline.ARCHIVE


def test_the_online_site_links_the_archive_with_its_size(archive):
    archive.write_bytes(b"x" * 2_345_678)
    page = PageContext(src="about.zh.md", url="zh/about/", lang="zh")
    out = offline.expand("a {{ offline_download }} b", page)
    link = '<a href="../../site-offline.zip" download>site-offline.zip</a>'
    assert link + "（2.3 MB）" in out
    page = PageContext(src="index.md", url="", lang="en")
    assert '"site-offline.zip" download>site-offline.zip</a> (2.3 MB)' in (
        offline.expand("{{offline_download}}", page)
    )


def test_without_the_archive_the_page_says_how_to_build_it(archive):
    page = PageContext(src="index.md", url="", lang="en")
    out = offline.expand("{{ offline_download }}", page)
    assert "`make offline`" in out and "href" not in out


def test_the_offline_copy_says_what_it_is(archive):
    archive.write_bytes(b"x")
    page = PageContext(
        src="index.zh.md", url="zh/index.html", lang="zh", offline=True
    )
    out = offline.expand("{{ offline_download }}", page)
    assert "离线副本" in out and "href" not in out


def test_the_archive_is_copied_into_the_online_site(archive, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    offline.copy_archive(site)
    assert not (site / offline.ARCHIVE).exists()  # none built: none copied
    archive.write_bytes(b"zip bytes")
    offline.copy_archive(site)
    assert (site / offline.ARCHIVE).read_bytes() == b"zip bytes"
