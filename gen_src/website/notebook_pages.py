"""Notebook pages in the site, in every language.

static-i18n and mkdocs-jupyter break each other (static-i18n issue #198):
i18n's on_files, which runs last, rebuilds every file as a plain one, so a
notebook comes out as a raw file and never as a page. Here, after i18n has
chosen each script's language, the script is swapped for a page whose
source is the executed notebook (gen_src.notebooks), with its URL, its
language and its alternates (for the language switcher) set by hand.

Each page starts with its take-aways: the .ipynb in the page's language,
an "Open in Colab" link and the snippet files the notebook embeds.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from gen_src.builder import notebook_html, notebook_publish, notebooks, strings
from gen_src.website import css_prune, png
from gen_src.website.background import StillTraining

SCRIPT = re.compile(r"notebooks/([^/.]+)(?:\.([A-Za-z_-]+))?\.py")
CSS_URI = "assets/notebook.css"
# The site is published on this branch of extra.repository (see
# .github/workflows/publish.yml): Colab opens notebooks from GitHub.
PUBLISHED_BRANCH = "gh-pages"


class NotebookError(Exception):
    """A notebook page cannot be made; the message names the file."""


class NotebookFile(File):
    """A page whose source is an executed notebook in the cache."""

    result: notebooks.Result

    def is_documentation_page(self) -> bool:
        return True


@dataclass(frozen=True)
class Alternate:
    url: str  # all static-i18n's language switcher reads


def _prefix(lang: str, default: str) -> str:
    return "" if lang == default else f"{lang}/"


def install(
    files,
    config,
    results: dict | None,
    lang: str,
    default: str,
    langs: list[str],
    serve: bool = False,
    published=None,
    cache_dir: Path | None = None,
    say=print,
) -> None:
    """Swap this language's notebook scripts for pages; add downloads.

    results None (notebooks are off): pages that say so, nothing else.
    published(result): the .ipynb to offer (the cached one if None).
    cache_dir: the cache's root, where pictures are shrunk once.
    say(problem): serve's report of a notebook that failed (once).
    """
    for file in [f for f in files if SCRIPT.fullmatch(f.src_uri)]:
        name, suffix = SCRIPT.fullmatch(file.src_uri).groups()
        result = (
            None
            if results is None
            else results.get((name, suffix or default), "it was not built")
        )
        files.remove(file)
        failed = isinstance(result, (Exception, str)) and not isinstance(
            result, StillTraining
        )
        if failed:
            problem = (
                f"notebook page {file.src_uri}: "
                f"{type(result).__name__}: {result}"
                if isinstance(result, Exception)
                else f"notebook page {file.src_uri}: {result}"
            )
            if not serve:
                raise NotebookError(problem)
            say(problem)  # serve: the page shows it too
        page = NotebookFile(
            file.src_uri,
            config.docs_dir,
            config.site_dir,
            config.use_directory_urls,
        )
        here = f"{_prefix(lang, default)}notebooks/{name}/"
        page.dest_path = here + "index.html"
        page.abs_dest_path = str(Path(config.site_dir) / page.dest_path)
        # the offline build's URLs name the file (use_directory_urls off)
        page.url = here + _index(config)
        page.result = result  # serve: an error, shown on the page
        page.locale = suffix or default
        page.localization = suffix
        page.locale_alternate_of = lang
        page.norm_src_uri = f"notebooks/{name}.py"
        page.alternates = {
            other: Alternate(
                f"{_prefix(other, default)}notebooks/{name}/" + _index(config)
            )
            for other in langs
        }
        files.append(page)
        if not isinstance(result, notebooks.Result):
            continue
        page.abs_src_path = str(result.ipynb)
        offered = published(result) if published else result.ipynb
        _publish(files, config, here + result.source.filename, offered)
        for image in result.record["images"]:
            src = result.ipynb.with_name(image)
            if src.suffix == ".png":  # smaller, same look
                src = png.shrunk(src, cache_dir)
            _publish(files, config, here + image, src)
        for path in result.record["embeds"]:
            _publish(files, config, f"downloads/{path}", notebooks.ROOT / path)
        if files.get_file_from_path(CSS_URI) is None:
            # JupyterLab's CSS, cut down to what the notebook pages use
            pages = [
                r.html
                for r in results.values()
                if isinstance(r, notebooks.Result)
            ]
            css = css_prune.pruned_file(
                result.ipynb.with_name(notebook_html.CSS_NAME),
                pages,
                cache_dir,
            )
            _publish(files, config, CSS_URI, css)


def _index(config) -> str:
    return "" if config.use_directory_urls else "index.html"


def _publish(files, config, uri: str, src: Path) -> None:
    if files.get_file_from_path(uri) is None:
        files.append(File.generated(config, uri, abs_src_path=str(src)))


def colab_url(repository: str, page_url: str, filename: str) -> str:
    """Colab opens a notebook from GitHub: the published branch's copy
    (in the page's folder, whether its URL names index.html or not)."""
    path = urlparse(repository).path.strip("/").removesuffix(".git")
    folder = page_url.removesuffix("index.html")
    return (
        f"https://colab.research.google.com/github/{path}/blob/"
        f"{PUBLISHED_BRANCH}/{folder}{filename}"
    )


def header(page, repository: str) -> str:
    """The take-aways above the notebook, in the page's language."""
    result: notebooks.Result = page.file.result
    text = strings.table(page.file.locale)["notebook"]
    name = result.source.filename
    links = [
        f'<a class="md-button md-button--primary" href="{name}" '
        f"download>{text['download']} ({name})</a>"
    ]
    if repository:
        links.append(
            f'<a class="md-button" href="'
            f'{colab_url(repository, page.file.url, name)}">'
            f"{text['colab']}</a>"
        )
    snippets = [
        f'<a href="{get_relative_url("downloads/" + p, page.file.url)}" '
        f"download><code>{Path(p).name}</code></a>"
        for p in result.record["embeds"]
    ]
    parts = [f'<p class="nb-actions">{" ".join(links)}</p>']
    if snippets:
        parts.append(
            f'<p class="nb-snippets">{text["snippets"]} '
            f"{', '.join(snippets)}</p>"
        )
    parts.append(f'<p class="nb-licence">{text["licence"]}</p>')
    css = get_relative_url(CSS_URI, page.file.url)
    parts.append(f'<link rel="stylesheet" href="{css}">')
    return "\n".join(parts)


# A notebook page's text stays out of the search index, its headings stay
# in: the index is loaded by every page, and its growth put the heaviest
# pages over their 0.8 MB budget; a notebook's code is its page's code,
# found there. (Material's search parser matches an excluded element's end
# by tag name, so the mark goes on elements that do not nest in themselves.)
NOTEBOOK_TEXT = re.compile(r"<(p|pre|ul|ol|table|blockquote)(?=[\s>])")


def render(page, repository: str, revision: str = "main", files=None) -> None:
    """Fill the page from the cached HTML instead of Markdown; the set-up
    cell shown installs the commit the site was built from. files: the
    build's, when its URLs name files (the offline build), whose pages
    the notebook's links to folders ("../../vae/") are turned into."""
    result = page.file.result
    if isinstance(result, StillTraining):  # serve, training: a note
        page.content = result.box(page.file.locale)
        return
    if not isinstance(result, notebooks.Result):
        problem = (
            html.escape(str(result))
            if result is not None
            else strings.table(page.file.locale)["notebook"]["off"]
        )
        page.content = (
            f'<div class="admonition failure"><p>{problem}</p></div>'
        )
        return
    body = notebook_publish.pinned(
        result.html.read_text(encoding="utf-8"), revision
    )
    body = NOTEBOOK_TEXT.sub(r"<\1 data-search-exclude", body)
    if files is not None:
        body = file_links(body, page.file.url, files)
    page.content = header(page, repository) + "\n" + body
    page.toc = get_toc(result.record["toc"])


FOLDER_LINK = re.compile(
    r'href="(?![a-z][a-z0-9+.-]*:|[#/])([^"#?]*/)(?=[#"?])'
)


def file_links(body: str, page_url: str, files) -> str:
    """Links to a page's folder ("../../vae/", as the notebook's text
    cells write them for the published site) as links to the page's file
    ("../../vae.html"), for a build whose URLs name files."""
    pages = {}
    for file in files:
        if file.is_documentation_page() or isinstance(file, NotebookFile):
            url = file.url
            folder = (
                url.removesuffix("index.html")
                if url.endswith("index.html")
                else url.removesuffix(".html") + "/"
            )
            pages[folder] = url
    here = posixpath.dirname(page_url)

    def to_file(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(here, match[1]))
        target = "" if target == "." else target + "/"
        url = pages.get(target)
        if url is None:
            return match[0]
        return f'href="{posixpath.relpath(url, here or ".")}'

    return FOLDER_LINK.sub(to_file, body)
