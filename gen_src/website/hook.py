"""The MkDocs hook: a thin adapter from MkDocs events to gen_src.

Registered in mkdocs.yml under `hooks:`. Every event runs once per
language (static-i18n builds English, then Chinese), and this module is
loaded once per process, so its state survives `mkdocs serve` rebuilds:
figures are trained once per process, and again only when their key (their
source, config, data, profile) changes.

Settings, in mkdocs.yml (each overridden by an environment variable):

    extra:
      gen_src:
        profile: quick     # GEN_PROFILE: smoke | quick | full
        device: auto       # GEN_DEVICE: auto | cpu | cuda | mps
        cache_dir: .cache/gen_src   # GEN_CACHE_DIR
        figures: true      # GEN_FIGURES=off: skip the pipeline entirely
        notebooks: true    # GEN_NOTEBOOKS=off: notebook pages say so only
                           # (quicker rebuilds while writing prose)
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from gen_src import runtime
from gen_src.builder import settings, stopping, strings
from gen_src.website import (
    ablation_md,
    assets,
    background,
    benchmark_md,
    claims_md,
    figures_md,
    i18n,
    images,
    math_svg,
    math_text,
    notebook_pages,
    offline,
    protocol_md,
    search_index,
    session,
    steps_md,
    values_md,
    widgets,
)
from gen_src.website.page_context import DirectiveError

log = logging.getLogger("mkdocs.hooks.gen_src")
ROOT = runtime.REPOSITORY
# Page directives, in the order they expand (each: referenced, expand)
DIRECTIVES = (
    widgets,
    values_md,
    benchmark_md,
    protocol_md,
    ablation_md,
    steps_md,
    claims_md,
    figures_md,
    offline,
)
# The build session: made in on_startup, shared by the events that follow
_session = session.Session()


def on_startup(command, dirty):
    global _session
    _session = session.Session(command=command)
    # Ctrl-C, SIGTERM: one line, workers and kernels gone (stopping.py)
    stopping.install(f"mkdocs {command}")
    i18n.allow_instant_navigation()


def on_config(config):
    from gen_src.builder import registry

    registry.rescan()  # under serve: see the files as they are now
    default, langs = i18n.i18n_plugin_config(config)
    plugin = config.plugins.get("i18n")
    # None: static-i18n's own on_config (after this one) has not run yet
    if getattr(plugin, "current_language", None) in (None, default):
        _session.new_cycle()  # static-i18n builds the others next
        _session.typesetter(config).begin_cycle()
    _session.offline = offline.enabled(config)
    if _session.offline:
        offline.local_shim(config)  # not unpkg's
    problems = i18n.check_twins(Path(config.docs_dir), default, langs)
    for problem in problems:
        # A warning fails the strict build and names the file to fix.
        log.warning(problem)
    return config


# After static-i18n's on_files (-100), which rebuilds every file: the
# notebook pages are made from the files it chose for this language.
@event_priority(-200)
def on_files(files, config):
    try:
        assets.add_vendor_files(files, config, _session.typesetter(config))
        if _session.offline:
            offline.add_shim(files, config)
    except (assets.MissingAssetError, offline.MissingShimError) as err:
        raise PluginError(str(err)) from err
    _session.files(files, config)
    return files


def on_pre_page(page, config, files):
    if isinstance(page.file, notebook_pages.NotebookFile):
        repository = session.repository(config)
        revision = _session.revision or "main"
        page.render = lambda config, files: notebook_pages.render(
            page,
            repository,
            revision,
            None if getattr(config, "use_directory_urls", True) else files,
        )
    return page


def on_page_markdown(markdown, page, config, files):
    if isinstance(page.file, notebook_pages.NotebookFile):
        return markdown  # the page is rendered from the notebook
    lang = getattr(page.file, "locale", None) or config.theme.language
    if strings.table(lang)["text"]["join_lines"]:
        markdown = i18n.join_cjk_lines(markdown)
    context = _session.page(page, lang)
    try:
        for directive in DIRECTIVES:
            if directive.referenced(markdown):
                markdown = directive.expand(markdown, context)
    except (DirectiveError, KeyError) as err:
        raise PluginError(str(err.args[0] if err.args else err)) from err
    return markdown


def on_page_content(html, page, config, files):
    """Typeset the page's math (notebook pages too) and give its pictures
    their sizes."""
    where = f"docs/{page.file.src_uri}"
    try:
        html, errors = _session.typesetter(config).page(html, where)
    except (math_svg.MathError, math_svg.MissingToolError) as err:
        raise PluginError(f"{where}: {err}") from err
    _session.fail_or_report("math", errors)  # serve: shown as errors
    html = search_index.exclude_repeats(html)
    html = search_index.with_math_text(html)  # gone in on_post_page
    return images.add_sizes(html, page.url, images.sources(files))


def on_page_context(context, page, config, nav):
    # static-i18n sets `extra.alternate` as an attribute, which is what
    # Material's template reads; the dict key may hold an older copy.
    alternates = getattr(config.extra, "alternate", None)
    if alternates:
        i18n.relative_alternates(alternates)
    math_text.plain_toc(page.toc, _session.typesetter(config).formulas)
    return context


def on_post_page(output, page, config):
    default, langs = i18n.i18n_plugin_config(config)
    ordered = [default, *(lang for lang in langs if lang != default)]
    output = i18n.search_language_script(
        output, page.url, ordered, after_shim=_session.offline
    )
    output = search_index.without_math_text(output)
    return i18n.strip_head_alternates(output)


def on_post_template(output_content, template_name, config):
    # 404.html is a theme template, not a page: static-i18n leaves the last
    # page's head alternates in it, for which Material's instant navigation
    # fetches <alternate>/sitemap.xml (404s)
    if template_name.endswith("404.html"):
        return i18n.strip_head_alternates(output_content)
    return output_content


# After static-i18n's on_post_build (-100), which builds the other
# languages and then writes the one search index for all of them.
@event_priority(-200)
def on_post_build(config):
    plugin = config.plugins.get("i18n")
    if getattr(plugin, "building", False):
        return  # inside static-i18n: another language's build
    typesetter = _session.typesetter(config)
    stats = typesetter.stats
    log.info(
        "gen_src: math: %d formulas, %d typeset now (%s)",
        stats.formulas,
        stats.typeset,
        f"Node {stats.node_seconds:.1f} s"
        if stats.started_node
        else "all from the cache",
    )
    typesetter.compact()
    typesetter.close()  # a rebuild under serve starts another if needed
    typesetter.stats = math_svg.Stats()
    search_index.compact(Path(config.site_dir), tuple(strings.languages()[1:]))
    if _session.offline:  # the plugin inlined an index not final then
        offline.write_search_script(Path(config.site_dir))
    else:
        offline.copy_archive(Path(config.site_dir))


def on_serve(server, config, builder):
    for folder in ("gen_src", "snippets", "pics"):
        if (ROOT / folder).is_dir():
            server.watch(str(ROOT / folder))
    # the background's progress: a run done rebuilds, its figure shows
    cache = settings.cache_root(session.options(config).get("cache_dir"))
    progress = background.folder(cache)
    progress.mkdir(parents=True, exist_ok=True)
    server.watch(str(progress.resolve()))
    return server
