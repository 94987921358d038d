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
import os
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from gen_src.builder import stopping, strings
from gen_src.website import (
    assets,
    benchmark_md,
    claims_md,
    figures_md,
    i18n,
    images,
    math_svg,
    math_text,
    notebook_pages,
    report,
    search_index,
    values_md,
    widgets,
)

log = logging.getLogger("mkdocs.hooks.gen_src")
ROOT = Path(__file__).resolve().parents[2]
_state = {
    "command": "build",
    "pipeline": None,
    "results": {},
    "exports": {},
}


def on_startup(command, dirty):
    _state["command"] = command
    # Ctrl-C, SIGTERM: one line, workers and kernels gone (stopping.py)
    stopping.install(f"mkdocs {command}")
    i18n.allow_instant_navigation()


def on_config(config):
    from gen_src.builder import registry

    registry.rescan()  # under serve: see the files as they are now
    default, langs = i18n.i18n_plugin_config(config)
    plugin = config.plugins.get("i18n")
    if getattr(plugin, "current_language", default) == default:
        report.new_build()  # static-i18n builds the other languages next
        math_svg.shared(config).begin_cycle()
    problems = i18n.check_twins(Path(config.docs_dir), default, langs)
    for problem in problems:
        # A warning fails the strict build and names the file to fix.
        log.warning(problem)
    return config


def _options(config) -> dict:
    options = dict((config.extra or {}).get("gen_src") or {})
    known = {"profile", "device", "cache_dir", "figures", "notebooks"}
    unknown = set(options) - known
    if unknown:
        raise PluginError(
            f"mkdocs.yml: extra.gen_src has unknown keys {sorted(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )
    return options


def _enabled(variable: str, option: str, options: dict) -> bool:
    env = os.environ.get(variable, "").strip().lower()
    if env:
        if env not in ("on", "off", "1", "0", "true", "false"):
            raise PluginError(f"{variable}={env!r} is unknown; use on or off")
        return env in ("on", "1", "true")
    return bool(options.get(option, True))


def _pipeline(options: dict):
    from gen_src.builder import pipeline

    try:
        settings = pipeline.Settings.resolve(
            options.get("profile"),
            options.get("device"),
            options.get("cache_dir"),
        )
        current = _state["pipeline"]
        if current is None or current.settings != settings:
            current = pipeline.Pipeline(settings)
            _state["pipeline"] = current
    except (ValueError, OSError, RuntimeError) as err:
        raise PluginError(str(err)) from err
    return current


# After static-i18n's on_files (-100), which rebuilds every file: the
# notebook pages are made from the files it chose for this language.
@event_priority(-200)
def on_files(files, config):
    try:
        assets.add_vendor_files(files, config, ROOT)
    except assets.MissingAssetError as err:
        raise PluginError(str(err)) from err
    options = _options(config)
    if not _enabled("GEN_FIGURES", "figures", options):
        _state["results"] = _state["exports"] = None
        _install_notebooks(files, config, None)
        return files
    pipe = _pipeline(options)
    started = time.perf_counter()
    results = pipe.build()
    _state["results"] = results
    failed = {n: r for n, r in results.items() if isinstance(r, Exception)}
    causes = report.grouped(failed)
    if failed and _state["command"] != "serve":
        raise PluginError(
            "figures failed:\n" + "\n".join(f"  {line}" for line in causes)
        )
    for line in causes:  # serve: the pages show error boxes
        report.once(line)
    figures_md.publish(files, config, results, math_svg.cache_root(options))
    trained = sum(
        1
        for r in results.values()
        if not isinstance(r, Exception) and r.trained
    )
    log.info(
        "gen_src: %d figures (%d drawn now, profile %s) in %.1f s",
        len(results),
        trained,
        pipe.settings.profile,
        time.perf_counter() - started,
    )
    _exports(files, config, pipe)
    if _enabled("GEN_NOTEBOOKS", "notebooks", options):
        _notebook_pages(files, config, pipe)
    else:
        _install_notebooks(files, config, None)
    return files


def _exports(files, config, pipe) -> None:
    """The live figures' data (gen_src/builder/export.py), under widgets/."""
    from gen_src.builder import export

    exporter = _state.get("exporter")
    if exporter is None or exporter.pipe is not pipe:
        exporter = _state["exporter"] = export.Exporter(pipe)
    started = time.perf_counter()
    exports = _state["exports"] = exporter.build()
    failed = [
        f"export {run}: {type(err).__name__}: {err}"
        for run, err in exports.items()
        if isinstance(err, Exception)
    ]
    if failed and _state["command"] != "serve":
        raise PluginError(
            "exports failed:\n" + "\n".join(f"  {line}" for line in failed)
        )
    for line in failed:  # serve: the pages show error boxes
        report.once(line)
    widgets.publish(files, config, exports)
    log.info(
        "gen_src: %d exports for the live figures (%d made now) in %.1f s",
        len(exports),
        sum(1 for r in exports.values() if getattr(r, "made", False)),
        time.perf_counter() - started,
    )


def _notebook_pages(files, config, pipe) -> None:
    from gen_src.builder import notebook_publish, notebooks

    started = time.perf_counter()
    built = notebooks.build(pipe, _repository(config))
    revision = _state.setdefault("revision", notebook_publish.revision())
    _install_notebooks(
        files,
        config,
        built,  # build: raises on a failure
        lambda result: notebook_publish.published(
            pipe, result.ipynb, revision
        ),
    )
    made = sum(
        1 for r in built.values() if not isinstance(r, Exception) and r.made
    )
    log.info(
        "gen_src: %d notebook pages (%d made now) in %.1f s",
        len(built),
        made,
        time.perf_counter() - started,
    )


def _install_notebooks(files, config, built, published=None) -> None:
    """Pages for this language's notebooks; placeholders if built is None.
    published(result): the .ipynb readers download (pinned to a commit)."""
    default, langs = i18n.i18n_plugin_config(config)
    lang = getattr(config.plugins.get("i18n"), "current_language", default)
    try:
        notebook_pages.install(
            files,
            config,
            built,
            lang,
            default,
            langs,
            serve=_state["command"] == "serve",
            published=published,
        )
    except notebook_pages.NotebookError as err:
        raise PluginError(str(err)) from err


def _repository(config) -> str:
    return str((config.extra or {}).get("repository") or "")


def on_pre_page(page, config, files):
    if isinstance(page.file, notebook_pages.NotebookFile):
        repository = _repository(config)
        revision = _state.get("revision", "main")
        page.render = lambda config, files: notebook_pages.render(
            page, repository, revision
        )
    return page


def on_page_markdown(markdown, page, config, files):
    if isinstance(page.file, notebook_pages.NotebookFile):
        return markdown  # the page is rendered from the notebook
    lang = getattr(page.file, "locale", None) or config.theme.language
    if strings.table(lang)["text"]["join_lines"]:
        markdown = i18n.join_cjk_lines(markdown)
    results = _state["results"]
    serve = _state["command"] == "serve"
    try:
        if widgets.referenced(markdown):
            markdown = widgets.expand(
                markdown,
                page.file.src_uri,
                page.url,
                lang,
                None if results is None else _state.get("exports"),
                serve,
            )
        if values_md.referenced(markdown):
            pipe = None if results is None else _state["pipeline"]
            markdown = values_md.expand(
                markdown, page.file.src_uri, lang, pipe, serve=serve
            )
        if benchmark_md.referenced(markdown):
            markdown = benchmark_md.expand(
                markdown, page.file.src_uri, lang, serve=serve
            )
        if claims_md.referenced(markdown):
            pipe = None if results is None else _state["pipeline"]
            markdown = claims_md.expand(
                markdown, page.file.src_uri, pipe, serve=serve
            )
        if not figures_md.referenced(markdown):
            return markdown
        if results is None:  # pipeline switched off
            return figures_md.placeholders(markdown, page.file.src_uri)
        return figures_md.expand(
            markdown, page.file.src_uri, lang, results, serve=serve
        )
    except (
        figures_md.FigureBuildError,
        values_md.DirectiveError,
        benchmark_md.TableError,
        claims_md.ClaimError,
        widgets.WidgetBuildError,
        KeyError,
    ) as err:
        raise PluginError(str(err.args[0] if err.args else err)) from err


def on_page_content(html, page, config, files):
    """Typeset the page's math (notebook pages too) and give its pictures
    their sizes."""
    where = f"docs/{page.file.src_uri}"
    try:
        html, errors = math_svg.shared(config).page(html, where)
    except (math_svg.MathError, math_svg.MissingToolError) as err:
        raise PluginError(f"{where}: {err}") from err
    if errors and _state["command"] != "serve":
        raise PluginError("math failed:\n" + "\n".join(errors))
    for line in errors:  # serve: the formula is shown as an error
        report.once(line)
    html = search_index.exclude_repeats(html)
    html = search_index.with_math_text(html)  # gone in on_post_page
    return images.add_sizes(html, page.url, images.sources(files))


def on_page_context(context, page, config, nav):
    # static-i18n sets `extra.alternate` as an attribute, which is what
    # Material's template reads; the dict key may hold an older copy.
    alternates = getattr(config.extra, "alternate", None)
    if alternates:
        i18n.relative_alternates(alternates)
    math_text.plain_toc(page.toc, math_svg.shared(config).formulas)
    return context


def on_post_page(output, page, config):
    default, langs = i18n.i18n_plugin_config(config)
    ordered = [default, *(lang for lang in langs if lang != default)]
    output = i18n.search_language_script(output, page.url, ordered)
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
    typesetter = math_svg.shared(config)
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


def on_serve(server, config, builder):
    for folder in ("gen_src", "snippets", "pics"):
        if (ROOT / folder).is_dir():
            server.watch(str(ROOT / folder))
    return server
