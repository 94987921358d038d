"""The MkDocs hook (gen_src/website/hook.py), one event at a time, with
small stand-ins for MkDocs' objects; test_build.py runs them all in a
real build."""

from __future__ import annotations

import json
import logging
import signal
import struct
from pathlib import Path
from types import SimpleNamespace as NS

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from gen_src.builder import settings, stopping
from gen_src.website import hook, i18n, math_svg, notebook_pages, session
from gen_src.website.math_scan import Formula


@pytest.fixture
def fresh(monkeypatch):
    """A session of its own for each test (the hook's is module state);
    its typesetters are closed after."""
    monkeypatch.delenv("GEN_CACHE_DIR", raising=False)
    own = session.Session()
    monkeypatch.setattr(hook, "_session", own)
    yield own
    for typesetter in own.typesetters.values():
        typesetter.close()


class Extra(dict):
    """config.extra: a dict that static-i18n also sets attributes on."""


def i18n_plugin(current="en", building=False):
    languages = [NS(locale="en", default=True), NS(locale="zh", default=False)]
    return NS(
        config=NS(languages=languages),
        current_language=current,
        building=building,
    )


def make_config(tmp_path, **kw):
    extra = Extra(gen_src={"cache_dir": str(tmp_path / "cache")})
    return NS(
        extra=extra,
        plugins={"i18n": i18n_plugin(**kw)},
        docs_dir=str(tmp_path / "docs"),
        site_dir=str(tmp_path / "site"),
        theme=NS(language="en"),
    )


def make_page(src="vae.md", url="vae/", locale=None):
    return NS(file=NS(src_uri=src, locale=locale), url=url, toc=[])


def png(width: int, height: int) -> bytes:
    """The start of a PNG: enough for its size to be read."""
    ihdr = struct.pack(">II", width, height) + bytes(5)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr


# --- start-up and configuration ---------------------------------------------


def test_startup_makes_a_session_for_the_command(fresh, monkeypatch):
    """Each `mkdocs serve` or `build` starts a new session of its command,
    turns Ctrl-C into one line naming it, and lets static-i18n's instant
    navigation warning through the strict build (one filter, however often
    it starts)."""
    saved = {sig: signal.getsignal(sig) for sig in stopping.SIGNALS}
    state = dict(stopping._state)
    try:
        hook.on_startup(command="serve", dirty=False)
        hook.on_startup(command="serve", dirty=False)
        assert hook._session is not fresh and hook._session.serve
        assert signal.getsignal(signal.SIGINT) is stopping.handle
        assert "running mkdocs serve" in stopping.line(signal.SIGINT)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        stopping._state.update(state)
    name = "mkdocs.plugins.mkdocs_static_i18n.reconfigure"
    filters = logging.getLogger(name).filters
    handled = [
        f for f in filters if isinstance(f, i18n._InstantNavigationHandled)
    ]
    assert len(handled) == 1


def test_config_starts_a_cycle_in_the_default_language_only(
    fresh, tmp_path, caplog
):
    """The default language's build forgets what serve said and what math
    was used; the other language's build (static-i18n's next) does not.
    A page without its twin is a warning naming the file to create."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A", "utf-8")
    config = make_config(tmp_path, current="zh")
    typesetter = fresh.typesetter(config)
    fresh.once.said.add("figure x: old")
    typesetter.used = {Formula("x", False)}
    with caplog.at_level(logging.WARNING):
        assert hook.on_config(config) is config
    assert fresh.once.said == {"figure x: old"}
    assert typesetter.used == {Formula("x", False)}
    assert any("docs/a.zh.md is missing" in m for m in caplog.messages)
    hook.on_config(make_config(tmp_path, current="en"))
    assert fresh.once.said == set() and typesetter.used == set()


def test_files_without_mathjax_is_a_plugin_error(fresh, tmp_path):
    """A checkout without node_modules/mathjax stops the build with how to
    install it, before any figure is made."""
    config = make_config(tmp_path)
    cache = settings.cache_root(config.extra["gen_src"]["cache_dir"])
    fresh.typesetters[cache] = math_svg.Typesetter(tmp_path, cache)
    with pytest.raises(PluginError, match="npm ci"):
        hook.on_files(Files([]), config)
    assert fresh.results is None  # the pipeline was not run


# --- pages ------------------------------------------------------------------


def test_a_notebook_page_is_rendered_from_its_notebook(
    fresh, tmp_path, monkeypatch
):
    """A notebook page renders from the notebook, pinned to the session's
    revision ("main" before one is known) and the configured repository;
    its Markdown is left as it is; other pages keep their renderer."""
    rendered = []
    monkeypatch.setattr(
        notebook_pages,
        "render",
        lambda page, repo, rev, files: (
            rendered.append((page, repo, rev, files)) or "html"
        ),
    )
    config = make_config(tmp_path)
    config.extra["repository"] = "https://example.org/repo"
    page = NS(
        file=notebook_pages.NotebookFile(
            "notebooks/vae.md", None, str(tmp_path), True
        ),
        render=None,
    )
    assert hook.on_pre_page(page, config, Files([])) is page
    assert page.render(config, Files([])) == "html"
    fresh.revision = "abc123"
    hook.on_pre_page(page, config, Files([]))
    page.render(config, Files([]))
    # the served site's URLs name folders: the notebook's links stay
    assert rendered == [
        (page, "https://example.org/repo", "main", None),
        (page, "https://example.org/repo", "abc123", None),
    ]
    markdown = "第一\n第二 ![x](fig:no_such_figure)"
    assert hook.on_page_markdown(markdown, page, config, None) == markdown
    plain = make_page()
    plain.render = "own"
    hook.on_pre_page(plain, config, Files([]))
    assert plain.render == "own"


def test_chinese_lines_are_joined_on_chinese_pages_only(fresh, tmp_path):
    """A soft break between two Chinese characters is no space on a zh
    page; on an English page (by locale, else the theme's language) it
    stays."""
    config = make_config(tmp_path)
    markdown = "生成\n模型"
    zh = make_page("vae.zh.md", "zh/vae/", locale="zh")
    assert hook.on_page_markdown(markdown, zh, config, None) == "生成模型"
    en = make_page("vae.md", "vae/")
    assert hook.on_page_markdown(markdown, en, config, None) == markdown


def test_a_failed_figure_stops_a_build_and_is_a_box_under_serve(
    fresh, tmp_path
):
    """A directive's error becomes a PluginError naming the page; under
    serve the page shows it in place."""
    config = make_config(tmp_path)
    markdown = "![Samples](fig:vae_samples)"
    fresh.results = {}
    with pytest.raises(PluginError, match="vae_samples.*docs/vae.md"):
        hook.on_page_markdown(markdown, make_page(), config, None)
    fresh.command = "serve"
    out = hook.on_page_markdown(markdown, make_page(), config, None)
    assert 'class="figure-error"' in out and "vae_samples" in out


def test_page_content_is_typeset_indexed_and_sized(fresh, tmp_path):
    """The page's math becomes SVG glued to its comma, with its text for
    search; the permalink is kept out of search; a local picture gets its
    size."""
    docs = tmp_path / "docs"
    (docs / "vae").mkdir(parents=True)
    (docs / "vae" / "p.png").write_bytes(png(30, 20))
    files = Files([File("vae/p.png", str(docs), str(tmp_path / "site"), True)])
    html = (
        '<h2 id="t">T<a class="anchor-link" href="#t">¶</a></h2>'
        '<p>Let <span class="arithmatex">\\(x\\)</span>, so '
        '<img alt="" src="p.png"></p>'
    )
    config = make_config(tmp_path)
    out = hook.on_page_content(html, make_page(), config, files)
    assert "\\(" not in out
    assert (
        '<span class="math-nobr"><span class="arithmatex"><mjx-container'
        in (out)
    )
    assert '<template class="search-math">x</template>' in out
    assert '<a data-search-exclude class="anchor-link"' in out
    assert '<img alt="" src="p.png" width="30" height="20">' in out
    assert f'<svg id="{math_svg.FONT_CACHE_ID}"' in out


def test_a_tex_error_stops_a_build_and_is_reported_under_serve(
    fresh, tmp_path
):
    """A TeX error names the page and the formula: the build stops; serve
    says it once and shows the formula marked as an error."""
    html = '<p><span class="arithmatex">\\(\\nosuchmacro\\)</span></p>'
    config = make_config(tmp_path)
    with pytest.raises(PluginError, match=r"math failed:\n  docs/vae.md: TeX"):
        hook.on_page_content(html, make_page(), config, Files([]))
    fresh.command = "serve"
    out = hook.on_page_content(html, make_page(), config, Files([]))
    assert '<span class="math-error" title=' in out
    (said,) = fresh.once.said
    assert said.startswith("docs/vae.md: TeX error in '\\\\(\\\\nosuchmacro")


def test_missing_mathjax_on_a_page_names_the_page(fresh, tmp_path):
    """Math on a page and no MathJax to typeset it: the error says where
    and how to install it."""
    config = make_config(tmp_path)
    cache = settings.cache_root(config.extra["gen_src"]["cache_dir"])
    fresh.typesetters[cache] = math_svg.Typesetter(tmp_path, cache)
    html = '<span class="arithmatex">\\(x\\)</span>'
    with pytest.raises(PluginError, match="^docs/vae.md: .*npm ci"):
        hook.on_page_content(html, make_page(), config, Files([]))


def test_page_context_makes_links_relative_and_titles_plain(fresh, tmp_path):
    """The language switcher's links work at any mount point, and the
    contents' math reads as text."""
    config = make_config(tmp_path)
    config.extra.alternate = [{"link": "/"}, {"link": "/zh/"}]
    container = (
        '<mjx-container class="MathJax"><mjx-assistive-mml><math><mi>β'
        "</mi></math></mjx-assistive-mml></mjx-container>"
    )
    fresh.typesetter(config).formulas[Formula("\\beta", False)] = container
    page = make_page()
    child = NS(title="Small $\\beta$", children=[])
    page.toc = [NS(title="Why", children=[child])]
    context = {"page": page}
    assert hook.on_page_context(context, page, config, None) is context
    assert config.extra.alternate == [{"link": "."}, {"link": "zh/"}]
    assert page.toc[0].title == "Why" and child.title == "Small β"


def test_post_page_loads_search_language_and_cleans_the_head(tmp_path):
    """The written page loads search-language.js first (the default
    language first), keeps no search text templates and no head
    alternates."""
    output = (
        '<html><head><link rel="alternate" href="/zh/" hreflang="zh">'
        '</head><body>a<template class="search-math">x</template></body>'
        "</html>"
    )
    out = hook.on_post_page(output, make_page(), make_config(tmp_path))
    assert out == (
        '<html><head>\n    <script src="../assets/search-language.js" '
        'data-languages="en zh"></script></head><body>a</body></html>'
    )


def test_only_404_loses_its_head_alternates():
    """404.html is a template, not a page: its head is cleaned here;
    other templates (sitemap.xml) are left alone."""
    head = '<head><link rel="alternate" href="/zh/" hreflang="zh"></head>x'
    assert hook.on_post_template(head, "404.html", None) == "<head></head>x"
    assert hook.on_post_template(head, "sitemap.xml", None) == head


# --- after the build --------------------------------------------------------


def write_index(site: Path) -> Path:
    path = site / "search" / "search_index.json"
    path.parent.mkdir(parents=True)
    docs = [{"location": "zh/", "text": "中 <pre>x</pre>"}]
    path.write_text(json.dumps({"docs": docs}), "utf-8")
    return path


def test_post_build_waits_for_the_last_language(fresh, tmp_path):
    """Inside static-i18n's build of another language nothing is done: no
    typesetter is made, the index is left for the last build."""
    config = make_config(tmp_path, building=True)
    path = write_index(tmp_path / "site")
    before = path.read_bytes()
    assert hook.on_post_build(config) is None
    assert path.read_bytes() == before and fresh.typesetters == {}


def test_post_build_reports_compacts_and_resets(fresh, tmp_path, caplog):
    """After the last language: one line on the math, the index rewritten
    (the translation without its code), the typesetter closed and its
    counts reset for serve's next build."""
    config = make_config(tmp_path)
    path = write_index(tmp_path / "site")
    typesetter = fresh.typesetter(config)
    typesetter.stats = math_svg.Stats(formulas=3, typeset=0)
    with caplog.at_level(logging.INFO):
        hook.on_post_build(config)
    assert "gen_src: math: 3 formulas, 0 typeset now (all from the cache)" in (
        caplog.messages
    )
    assert (
        path.read_text("utf-8") == '{"docs":[{"location":"zh/","text":"中 "}]}'
    )
    assert (
        typesetter.stats == math_svg.Stats() and typesetter.node.proc is None
    )
    typesetter.stats = math_svg.Stats(typeset=2, node_seconds=1.5)
    typesetter.stats.started_node = True
    caplog.clear()
    with caplog.at_level(logging.INFO):
        hook.on_post_build(config)
    assert "gen_src: math: 0 formulas, 2 typeset now (Node 1.5 s)" in (
        caplog.messages
    )


def test_serve_watches_the_source_folders_that_exist(tmp_path, monkeypatch):
    """Edits to the package, the snippets or the pictures rebuild the
    site, and so does each run the background finishes; a folder the
    checkout lacks is not watched."""
    for folder in ("gen_src", "pics"):
        (tmp_path / folder).mkdir()
    monkeypatch.setattr(hook, "ROOT", tmp_path)
    monkeypatch.setenv("GEN_CACHE_DIR", str(tmp_path / "cache"))
    watched = []
    server = NS(watch=watched.append)
    assert hook.on_serve(server, NS(extra={}), None) is server
    progress = tmp_path / "cache" / "serve"  # the background's, made
    assert progress.is_dir()
    assert watched == [
        str(tmp_path / "gen_src"),
        str(tmp_path / "pics"),
        str(progress.resolve()),
    ]
