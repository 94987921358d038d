"""Notebook pages: scripts executed under the figure pipeline, cached.

1. The script is read (gen_src.builder.notebook_source): embeds expanded,
   the set-up cell added.
2. The default language's notebook is executed (nbclient, in
   gen_src.builder.notebook_kernel) with the pipeline's settings in its
   environment, so `pipeline.trained("vae")` loads the run the figures
   were drawn from; when several are missing, side by side in workers.
   Exercise cells are skipped: they are for the reader (the
   installed-package test runs them).
3. Each translation gets the executed code cells and their outputs
   (gen_src.builder.notebook_translation).
4. The .ipynb and its HTML (gen_src.builder.notebook_html) are cached under
   a key over everything that changes them, one entry per language, each
   under its own lock and with checksums. What readers download is pinned
   to the site's commit afterwards (gen_src.builder.notebook_publish).

Faults: Ctrl-C or SIGTERM stops at once (KeyboardInterrupt, nothing
cached); a kernel that dies says so; a failing cell is named by its file,
line and number in the author's script; a translation's fault is its
own page's, not the original's. Used by the MkDocs hook and by
`python -m gen_src notebooks`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from . import cache as cache_mod
from . import notebook_html, registry, strings
from .notebook_kernel import execute
from .notebook_source import (
    ROOT,
    NotebookError,
    Source,
    embedded_files,
    find,
    read,
    uses,
)
from .notebook_translation import translated

log = logging.getLogger("gen_src.notebooks")
RECORD = ("notebook", "lang", "title", "toc", "images", "embeds", "key")


@dataclass
class Result:
    source: Source
    ipynb: Path  # the executed notebook, as cached
    html: Path  # its body, for the page
    record: dict  # title, toc, embedded files, seconds, profile, ...
    made: bool = False  # made now (executed or translated), not cached


def key(pipe, source: Source, repository: str) -> str:
    """The key of a notebook in the default language, from files alone."""
    modules, runs, figures = uses(source)
    parts = [
        source.name,
        pipe.settings.profile,
        pipe.settings.device,
        repository,
        source.path.read_bytes(),
        notebook_html.converter_version(),
        version("safetensors"),
    ]
    parts += [(ROOT / p).read_bytes() for p in embedded_files(source)]
    for module in sorted(
        {
            *modules,
            "builder.pipeline",
            "builder.notebooks",
            "builder.notebook_source",
        }
    ):
        parts += [p.read_bytes() for p in registry.source_closure(module)]
    for figure in sorted(set(figures)):
        spec = registry.figure(figure)
        parts += [p.read_bytes() for p in registry.source_closure(spec.module)]
        runs += list(spec.runs)
    parts += [pipe.located_key(run) for run in sorted(set(runs))]
    return cache_mod.digest(*parts)


# -- building -----------------------------------------------------------
def build(
    pipe, repository: str, names: list[str] | None = None
) -> dict[tuple[str, str], object]:
    """Every notebook in every language: a Result or the exception."""
    chosen = {
        name: sources
        for name, sources in sorted(find().items())
        if not names or name in names
    }
    executed, failed = _execute_side_by_side(pipe, chosen, repository)
    out: dict[tuple[str, str], object] = {}
    for name, sources in chosen.items():
        if name in failed:  # executed in a worker, and failed there
            out.update({(name, lang): failed[name] for lang in sources})
            continue
        out.update(build_sources(pipe, sources, repository))
        if name in executed:  # loaded from the cache, but made now
            out[name, strings.default_language()].made = True
    return out


def _execute_side_by_side(
    pipe, chosen: dict, repository: str
) -> tuple[list[str], dict]:
    """Execute the originals missing from the cache in workers, when
    there are two or more: each kernel is a process of its own, and most
    of a notebook's time is one core's. Returns the names executed and
    {name: error}; what they made is cached, for build_sources to load."""
    from . import workers

    default = strings.default_language()
    todo = [
        name
        for name, sources in chosen.items()
        if default in sources
        and not pipe.cache.notebook_dir(
            Path(sources[default].filename).stem,
            key(pipe, sources[default], repository),
        ).exists()
    ]
    if len(todo) < 2 or workers.workers_for(len(todo)) < 2:
        return [], {}  # build_sources executes it here
    task = functools.partial(_execute, pipe.settings, repository)
    return todo, workers.side_by_side(task, todo, "notebooks")


def _execute(settings, repository: str, name: str) -> None:
    from .pipeline import Pipeline

    main = find()[name][strings.default_language()]
    one(Pipeline(settings), main, main, None, repository)


def build_sources(
    pipe, sources: dict[str, Source], repository: str
) -> dict[tuple[str, str], object]:
    """One notebook in its languages, each a Result or the exception on
    its own: a translation's fault is not the original's."""
    default = strings.default_language()
    name = next(iter(sources.values())).name
    if default not in sources:
        some = next(iter(sources.values()))
        problem = NotebookError(
            f"{some.shown} has no original in the default language: "
            f"add {some.path.with_name(some.name + '.py').name}"
        )
        return {(name, lang): problem for lang in sources}
    main = sources[default]
    out: dict[tuple[str, str], object] = {}
    try:
        out[name, default] = one(pipe, main, main, None, repository)
    except KeyboardInterrupt:
        raise
    except Exception as err:  # reported per page by the caller
        return {(name, lang): err for lang in sources}
    for lang, source in sorted(sources.items()):
        if lang == default:
            continue
        try:
            out[name, lang] = one(
                pipe, source, main, out[name, default], repository
            )
        except KeyboardInterrupt:
            raise
        except Exception as err:
            out[name, lang] = err
    return out


def one(
    pipe,
    source: Source,
    main: Source,
    original: Result | None,
    repository: str,
) -> Result:
    """One language of a notebook, from the cache or made now. The
    original is executed once per key; a translation's entry is keyed by
    that key and its own text, so editing its prose executes nothing."""
    main_key = (
        key(pipe, main, repository)
        if original is None
        else original.record["key"]
    )
    entry_key = (
        main_key
        if original is None
        else cache_mod.digest(main_key, source.path.read_bytes())
    )
    entry = pipe.cache.notebook_dir(Path(source.filename).stem, entry_key)

    def make(entry: Path) -> Result:
        _make(pipe, source, main, original, repository, entry, entry_key)
        return dataclasses.replace(_load(entry, source), made=True)

    return pipe.cache.entry(
        entry, lambda e: _load(e, source), make, f"making {source.filename}"
    )


def _make(
    pipe,
    source: Source,
    main: Source,
    original: Result | None,
    repository: str,
    entry: Path,
    entry_key: str,
) -> None:
    """Execute the original notebook, or translate the executed one."""
    import time

    import nbformat

    started = time.perf_counter()
    if original is None:
        log.info(
            "executing notebook %s (%s profile) ...",
            source.shown,
            pipe.settings.profile,
        )
        nb = execute(read(source, repository), source, pipe.settings)
    else:
        nb = translated(
            read(source, repository),
            nbformat.read(original.ipynb, as_version=4),
            source,
            main,
        )
    seconds = time.perf_counter() - started

    def write(tmp: Path) -> None:
        nbformat.validate(nb)
        nbformat.write(nb, tmp / source.filename)
        body, css, toc, title = notebook_html.render(tmp / source.filename)
        body, images = notebook_html.own_files(
            body, tmp, Path(source.filename).stem, source.lang
        )
        (tmp / f"{source.filename}.html").write_text(body, "utf-8")
        (tmp / notebook_html.CSS_NAME).write_text(css, "utf-8")
        cache_mod.write_json(
            tmp / f"{source.filename}.json",
            {
                "notebook": source.name,
                "lang": source.lang,
                "title": title,
                "toc": toc,
                "images": images,
                "embeds": embedded_files(main),
                "seconds": round(seconds, 2),
                "profile": pipe.settings.profile,
                "key": entry_key,
                "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
            },
        )

    pipe.cache.write_entry(entry, write)  # under the entry's lock
    log.info("made %s in %.1f s", entry.name, seconds)


def _load(entry: Path, source: Source) -> Result:
    record = cache_mod.read_record(entry / f"{source.filename}.json", RECORD)
    ipynb, page = entry / source.filename, entry / f"{source.filename}.html"
    return Result(source, ipynb, page, record)
