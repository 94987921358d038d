"""One build session: what the hook's events share, made at start-up.

MkDocs calls the hook's events one after the other, once per language
(static-i18n builds English, then Chinese), and under `mkdocs serve` once
per rebuild, in one process. The Session holds what they share: the
command, the figure pipeline and its results, the exporter and its
exports, the notebooks' revision. The hook makes one in on_startup and
passes it down; a test makes its own.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from mkdocs.exceptions import PluginError

from gen_src import runtime
from gen_src.builder import settings
from gen_src.website import (
    background,
    figures_md,
    i18n,
    math_svg,
    notebook_pages,
    report,
    widgets,
)
from gen_src.website.page_context import PageContext

log = logging.getLogger("mkdocs.hooks.gen_src")
OPTIONS = ("profile", "device", "cache_dir", "figures", "notebooks")


def options(config) -> dict:
    """extra.gen_src of mkdocs.yml, checked."""
    found = dict((config.extra or {}).get("gen_src") or {})
    unknown = set(found) - set(OPTIONS)
    if unknown:
        raise PluginError(
            f"mkdocs.yml: extra.gen_src has unknown keys {sorted(unknown)}; "
            f"known: {', '.join(sorted(OPTIONS))}"
        )
    return found


def enabled(variable: str, option: str, found: dict) -> bool:
    """A switch: the environment variable, else mkdocs.yml, else on."""
    env = os.environ.get(variable, "").strip().lower()
    if env:
        if env not in ("on", "off", "1", "0", "true", "false"):
            raise PluginError(f"{variable}={env!r} is unknown; use on or off")
        return env in ("on", "1", "true")
    return bool(found.get(option, True))


def repository(config) -> str:
    return str((config.extra or {}).get("repository") or "")


def _made(results: dict, flag: str) -> int:
    """How many results were made now (not from the cache)."""
    return sum(1 for r in results.values() if getattr(r, flag, False))


@dataclass
class Session:
    command: str = "build"
    pipeline: Any = None
    results: dict | None = None  # figure -> result; None: pipeline off
    exports: dict | None = None  # run -> Export or exception
    exporter: Any = None
    revision: str | None = None  # the commit notebooks are pinned to
    once: report.Once = field(default_factory=report.Once)  # serve's say
    # math typeset at build time, one typesetter per cache folder: kept
    # across the languages' builds and serve's rebuilds
    typesetters: dict = field(default_factory=dict)
    # serve: what trains in the background, and the runs it has not made
    background: background.Background = field(
        default_factory=background.Background
    )
    # run -> StillTraining or its error; None: not looked at this cycle
    waiting: dict | None = None
    notebooks_waiting: Any = None  # StillTraining while notebooks wait
    offline: bool = False  # the build of the copy opened from disk

    @property
    def serve(self) -> bool:
        return self.command == "serve"

    def new_cycle(self) -> None:
        """A build of every language begins (serve: a rebuild)."""
        self.once.new_build()
        self.waiting = None

    def fail_or_report(self, what: str, lines: list[str]) -> None:
        """A build stops, naming every failure; serve reports each once
        and goes on (the pages show error boxes in place)."""
        if lines and not self.serve:
            raise PluginError(
                f"{what} failed:\n" + "\n".join(f"  {line}" for line in lines)
            )
        for line in lines:
            self.once(line)

    def typesetter(self, config) -> math_svg.Typesetter:
        """The typesetter for this mkdocs.yml's cache folder."""
        cache = settings.cache_root(options(config).get("cache_dir"))
        if cache not in self.typesetters:
            self.typesetters[cache] = math_svg.Typesetter(
                runtime.REPOSITORY, cache
            )
        return self.typesetters[cache]

    def page(self, page, lang: str) -> PageContext:
        on = self.results is not None
        return PageContext(
            src=page.file.src_uri,
            url=page.url,
            lang=lang,
            serve=self.serve,
            pipe=self.pipeline if on else None,
            results=self.results,
            exports=self.exports if on else None,
            waiting=(self.waiting or {}) if on else {},
            offline=self.offline,
        )

    # -- on_files: figures, exports, notebook pages -----------------------
    def pipeline_for(self, found: dict):
        from gen_src.builder import pipeline

        try:
            settings = pipeline.Settings.resolve(
                found.get("profile"),
                found.get("device"),
                found.get("cache_dir"),
            )
            if self.pipeline is None or self.pipeline.settings != settings:
                self.pipeline = pipeline.Pipeline(settings)
        except (ValueError, OSError, RuntimeError) as err:
            raise PluginError(str(err)) from err
        return self.pipeline

    def files(self, files, config) -> None:
        """Figures, the live figures' data and the notebook pages, for
        this language's files."""
        found = options(config)
        if not enabled("GEN_FIGURES", "figures", found):
            self.results = self.exports = None
            self.install_notebooks(files, config, None)
            return
        pipe = self.pipeline_for(found)
        if self.waiting is None:  # once a cycle: each language the same
            self.waiting, self.notebooks_waiting = {}, None
            if self.serve:  # what is not trained trains in the background
                bg = self.background
                self.waiting = bg.lacking(
                    pipe,
                    repository(config),
                    enabled("GEN_NOTEBOOKS", "notebooks", found),
                )
                self.notebooks_waiting = bg.notebooks_pending(pipe)
        self.figures(files, config, pipe)
        self.export(files, config, pipe)
        waiting = self.notebooks_waiting
        if waiting and enabled("GEN_NOTEBOOKS", "notebooks", found):
            self.install_notebooks(files, config, waiting)
        elif enabled("GEN_NOTEBOOKS", "notebooks", found):
            self.notebooks(files, config, pipe)
        else:
            self.install_notebooks(files, config, None)

    def figures(self, files, config, pipe) -> None:
        started = time.perf_counter()
        results = self.results = self.figures_ready(pipe)
        failed = {
            n: r
            for n, r in results.items()
            if isinstance(r, Exception)
            and not isinstance(r, background.StillTraining)
        }
        self.fail_or_report("figures", report.grouped(failed))
        figures_md.publish(files, config, results, pipe.settings.cache_dir)
        drawn = _made(results, "trained")
        log.info(
            "gen_src: %d figures (%d drawn now, profile %s) in %.1f s",
            len(results),
            drawn,
            pipe.settings.profile,
            time.perf_counter() - started,
        )

    def figures_ready(self, pipe) -> dict:
        """Every figure whose runs are trained; for the others, what
        their runs wait for (serve) or what they failed with."""
        from gen_src.builder import registry

        waiting = self.waiting or {}
        names = sorted(registry.figures())
        ready = [
            n for n in names if not set(registry.figure(n).runs) & set(waiting)
        ]
        results = pipe.build(ready) if ready else {}
        for name in sorted(set(names) - set(ready)):
            runs = registry.figure(name).runs
            results[name] = background.why_not_yet(
                [waiting[r] for r in runs if r in waiting]
            )
        return results

    def export(self, files, config, pipe) -> None:
        """The live figures' data (gen_src/builder/export.py)."""
        from gen_src.builder import export

        if self.exporter is None or self.exporter.pipe is not pipe:
            self.exporter = export.Exporter(pipe)
        started = time.perf_counter()
        waiting = self.waiting or {}
        exports = self.exports = self.exporter.build(waiting)
        self.fail_or_report(
            "exports",
            [
                f"export {run}: {type(err).__name__}: {err}"
                for run, err in exports.items()
                if isinstance(err, Exception) and run not in waiting
            ],
        )
        widgets.publish(files, config, exports, script_only=self.offline)
        log.info(
            "gen_src: %d exports for the live figures (%d made now) in %.1f s",
            len(exports),
            _made(exports, "made"),
            time.perf_counter() - started,
        )

    def notebooks(self, files, config, pipe) -> None:
        from gen_src.builder import notebook_publish, notebooks

        started = time.perf_counter()
        built = notebooks.build(pipe, repository(config))
        if self.revision is None:
            self.revision = notebook_publish.revision()
        revision = self.revision
        self.install_notebooks(
            files,
            config,
            built,  # build: raises on a failure
            lambda result: notebook_publish.published(
                pipe, result.ipynb, revision
            ),
        )
        made = _made(built, "made")
        log.info(
            "gen_src: %d notebook pages (%d made now) in %.1f s",
            len(built),
            made,
            time.perf_counter() - started,
        )

    def install_notebooks(self, files, config, built, published=None):
        """Pages for this language's notebooks; placeholders if built is
        None, or notes if it is what they wait for (StillTraining).
        published(result): the .ipynb readers download (pinned to a
        commit)."""
        if isinstance(built, background.StillTraining):
            from gen_src.builder import notebooks

            built = {
                (name, lang): built
                for name, sources in notebooks.find().items()
                for lang in sources
            }
        default, langs = i18n.i18n_plugin_config(config)
        plugin = config.plugins.get("i18n")
        lang = getattr(plugin, "current_language", default)
        try:
            notebook_pages.install(
                files,
                config,
                built,
                lang,
                default,
                langs,
                serve=self.serve,
                published=published,
                cache_dir=self.pipeline and self.pipeline.settings.cache_dir,
                say=self.once,
            )
        except notebook_pages.NotebookError as err:
            raise PluginError(str(err)) from err
