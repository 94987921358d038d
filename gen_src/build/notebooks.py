"""Notebook pages: jupytext scripts, executed under the figure pipeline.

A notebook is kept as text in docs/notebooks/: NAME.py (English) and
NAME.zh.py (Chinese), jupytext percent format. Code lives only in the
English script; a translation marks each code cell with a bare `# %%`.
Building it:

1. a code cell made only of `# --8<-- "path:section"` lines becomes that
   section of snippets/ or gen_src/, read by pymdownx.snippets as on the
   pages, so a notebook never holds a second copy of the code;
2. a set-up cell goes after the title: on Colab, or wherever gen_src is
   missing, it installs the package from the repository;
3. the English notebook is executed (nbclient) with the pipeline's
   settings in its environment, so `pipeline.trained("vae")` loads the run
   the figures were drawn from; the Chinese twin gets its code cells,
   with their outputs;
4. the executed .ipynb and its HTML (gen_src.notebook_html) are cached
   under a key over everything that changes them.
Used by the MkDocs hook and by `python -m gen_src notebooks`.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from . import cache as cache_mod
from . import notebook_html, registry, strings

log = logging.getLogger("gen_src.notebooks")
ROOT = registry.PACKAGE_DIR.parent
FOLDER = Path("docs") / "notebooks"
EMBED = re.compile(r'^#\s*(--8<--\s+"[^"]+")\s*$')
TIMEOUT_S = 600  # per cell
# Code cells tagged `# %% tags=["exercise"]` (the "Try it yourself"
# starters) are published unexecuted, for the reader; the installed-package
# test executes every cell of every downloaded notebook.
EXERCISE = "exercise"


class NotebookError(RuntimeError):
    """A notebook could not be built; the message names it and the cell."""


@dataclass(frozen=True)
class Source:
    name: str  # "vae" for docs/notebooks/vae.py and vae.zh.py
    lang: str
    path: Path

    @property
    def filename(self) -> str:
        """The name of the published .ipynb: vae.ipynb, vae.zh.ipynb."""
        default = self.lang == strings.default_language()
        suffix = "" if default else f".{self.lang}"
        return f"{self.name}{suffix}.ipynb"


@dataclass
class Result:
    source: Source
    ipynb: Path  # the executed notebook, as published
    html: Path  # its body, for the page
    record: dict  # title, toc, embedded files, seconds, profile, ...
    made: bool = False  # made now (executed or translated), not cached


def find(root: Path = ROOT) -> dict[str, dict[str, Source]]:
    """{name: {lang: Source}} for every script in docs/notebooks/."""
    found: dict[str, dict[str, Source]] = {}
    default = strings.default_language()
    for path in sorted((root / FOLDER).glob("*.py")):
        name, _, lang = path.stem.partition(".")
        found.setdefault(name, {})[lang or default] = Source(
            name, lang or default, path
        )
    return found


def repository() -> str:
    """extra.repository from mkdocs.yml (the hook reads it from MkDocs)."""
    return strings.repository()


# -- reading ------------------------------------------------------------
def embedded_files(text: str) -> list[str]:
    """Repository paths of the files a script embeds, in order, once each."""
    paths = []
    for line in text.splitlines():
        match = EMBED.match(line.strip())
        if match:
            path = match.group(1).split('"')[1].split(":")[0]
            if path not in paths:
                paths.append(path)
    return paths


def _uses(text: str, path: Path) -> tuple[list[str], list[str], list[str]]:
    """(gen_src modules imported, runs trained(...), figures draw(...))."""
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as err:
        raise NotebookError(
            f"{path}: line {err.lineno}: not valid Python ({err.msg}); a "
            "jupytext script must parse, with magics commented out"
        ) from err
    modules, runs, figures = [], [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "gen_src"
        ):
            prefix = node.module.removeprefix("gen_src").strip(".")
            # from gen_src import vae / from gen_src.vae import VAE
            modules += [f"{prefix}.{a.name}".strip(".") for a in node.names]
            modules += [prefix] if prefix else []
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            func = node.func
            called = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
            if called == "trained":
                runs.append(node.args[0].value)
            elif called == "draw":
                figures.append(node.args[0].value)
    modules = [m for m in modules if registry.module_path(m).is_file()]
    return modules, runs, figures


def key(pipe, sources: dict[str, Source], repository: str) -> str:
    """One key for a notebook in all its languages, from files alone."""
    main = sources[strings.default_language()]
    text = main.path.read_text(encoding="utf-8")
    modules, runs, figures = _uses(text, main.path)
    parts = [
        main.name,
        pipe.settings.profile,
        pipe.settings.device,
        repository,
        *(s.path.read_bytes() for s in sources.values()),
    ]
    parts += [
        (ROOT / p).read_bytes()
        for p in embedded_files(text)
        if (ROOT / p).is_file()
    ]
    parts.append(notebook_html.converter_version())
    for module in sorted(set(modules) | {"build.pipeline", "build.notebooks"}):
        parts += [p.read_bytes() for p in registry.source_closure(module)]
    for figure in sorted(set(figures)):
        spec = registry.figure(figure)
        parts += [p.read_bytes() for p in registry.source_closure(spec.module)]
        runs += list(spec.runs)
    parts += [pipe.located_key(run) for run in sorted(set(runs))]
    return cache_mod.digest(*parts)


def read(source: Source, repository: str):
    """The notebook of a script: embeds expanded, the set-up cell first."""
    import jupytext
    import nbformat

    nb = jupytext.read(source.path)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.source = _expand(cell.source, source, index)
    # after the title cell, so the page starts with its title
    first_markdown = nb.cells and nb.cells[0].cell_type == "markdown"
    nb.cells.insert(1 if first_markdown else 0, setup_cell(repository))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    nb.metadata.pop("jupytext", None)
    nbformat.validate(nb)
    return nb


def _expand(code: str, source: Source, index: int) -> str:
    lines = [line for line in code.splitlines() if line.strip()]
    if not lines or not all(EMBED.match(line.strip()) for line in lines):
        return code
    import markdown

    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={
            "pymdownx.snippets": {
                "base_path": [str(ROOT)],
                "check_paths": True,
                "dedent_subsections": True,
            }
        },
    )
    try:
        expanded = md.preprocessors["snippet"].run(
            [EMBED.match(line.strip()).group(1) for line in lines]
        )
    except Exception as err:  # pymdownx raises SnippetMissingError
        raise NotebookError(f"{source.path}: cell {index + 1}: {err}") from err
    return "\n".join(expanded).strip("\n")


def setup_cell(repository: str):
    """Installs gen_src where it is missing (Colab); a no-op elsewhere."""
    import nbformat

    code = (
        "# Set-up: on Colab (or any machine without this course's package)\n"
        "# install gen_src from the repository. Torch comes with Colab.\n"
        "import importlib.util, subprocess, sys\n"
        'if importlib.util.find_spec("gen_src") is None:\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install",'
        ' "-q", "--no-deps",\n'
        f'                    "git+{repository}", "safetensors"],'
        " check=True)"
    )
    return nbformat.v4.new_code_cell(code, metadata={"tags": ["setup"]})


# -- executing ----------------------------------------------------------
@contextlib.contextmanager
def _environment(settings):
    """The kernel inherits these: the notebook uses the build's settings."""
    saved = dict(os.environ)
    os.environ.update(
        {
            "GEN_PROFILE": settings.profile,
            "GEN_DEVICE": settings.device,
            "GEN_CACHE_DIR": str(Path(settings.cache_dir).resolve()),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def execute(nb, source: Source, settings, cwd: Path = ROOT):
    """Run every cell top to bottom; a failure names the notebook and cell."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        # exercises are for the reader to run; the tests run them too
        skip_cells_with_tag=EXERCISE,
        resources={"metadata": {"path": str(cwd)}},
    )
    with _environment(settings):
        try:
            client.execute()
        except CellExecutionError as err:
            raise NotebookError(_failure(nb, source, err)) from err
    return nb


def _failure(nb, source: Source, err) -> str:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = cell.source.strip().splitlines()[0][:70]
                return (
                    f"{source.path}: cell {index + 1} ({first!r}) "
                    f"failed: {output['ename']}: {output['evalue']}"
                )
    return f"{source.path}: {str(err).strip().splitlines()[-1]}"


def _code_cells(nb) -> list:
    """The code cells; read() puts the set-up cell first."""
    return [c for c in nb.cells if c.cell_type == "code"]


def translated(nb, executed, source: Source, reference: Source):
    """nb, a translation, with the code cells and outputs of executed.

    A translation's code cells are bare `# %%` lines that say where each
    code cell goes: the code itself lives only in the English script.
    """
    mine, theirs = _code_cells(nb), _code_cells(executed)
    for number, cell in enumerate(mine[1:], start=1):  # after set-up
        if cell.source.strip():
            raise NotebookError(
                f"{source.path}: code cell {number} is not empty "
                f"({cell.source.strip().splitlines()[0]!r}). Code lives "
                f"only in {reference.path.name}; in a translation leave "
                "each code cell as a bare '# %%' line"
            )
    if len(mine) != len(theirs):
        raise NotebookError(
            f"{source.path} marks {len(mine) - 1} code cells and "
            f"{reference.path.name} has {len(theirs) - 1}; give the "
            "translation one bare '# %%' line per code cell, in the same "
            "places"
        )
    for a, b in zip(mine, theirs):  # the set-up cell's count, too
        a.source, a.outputs = b.source, b.outputs
        a.execution_count = b.execution_count
        a.metadata = b.metadata  # tags (exercise) included
    return nb


# -- building -----------------------------------------------------------
def build(
    pipe, repository: str, names: list[str] | None = None
) -> dict[tuple[str, str], object]:
    """Every notebook in every language: a Result or the exception."""
    out: dict[tuple[str, str], object] = {}
    for name, sources in sorted(find().items()):
        if names and name not in names:
            continue
        try:
            out.update(build_one(pipe, sources, repository))
        except KeyboardInterrupt:
            raise
        except Exception as err:  # reported per notebook by the caller
            for lang in sources:
                out[name, lang] = err
    return out


def build_one(
    pipe, sources: dict[str, Source], repository: str
) -> dict[tuple[str, str], Result]:
    """All languages of one notebook, from the cache or made now.

    The English notebook is executed once per key; each translation has
    its own entry, so editing Chinese prose executes nothing again.
    """
    default = strings.default_language()
    if default not in sources:
        some = next(iter(sources.values()))
        raise NotebookError(
            f"{some.path} has no original in the default language "
            f"{some.path.with_name(some.name + '.py')}; add it"
        )
    main = sources[default]
    main_key = key(pipe, {default: main}, repository)
    results = {}
    for lang, source in sorted(
        sources.items(), key=lambda item: item[0] != default
    ):
        entry_key = (
            main_key
            if lang == default
            else cache_mod.digest(main_key, source.path.read_bytes())
        )
        entry = pipe.cache.notebook_dir(Path(source.filename).stem, entry_key)
        result = _load(pipe, entry, source)
        if result is None:
            result = _make(
                pipe,
                source,
                main,
                results.get((main.name, default)),
                repository,
                entry,
                entry_key,
            )
        results[source.name, lang] = result
    return results


def _make(
    pipe,
    source: Source,
    main: Source,
    original: Result | None,
    repository: str,
    entry: Path,
    entry_key: str,
) -> Result:
    """Execute the English notebook, or translate the executed one."""
    import nbformat

    started = time.perf_counter()
    if original is None:  # the English notebook
        log.info(
            "executing notebook %s (%s profile) ...",
            source.path,
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
                "embeds": embedded_files(
                    main.path.read_text(encoding="utf-8")
                ),
                "seconds": round(seconds, 2),
                "profile": pipe.settings.profile,
                "key": entry_key,
                "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
            },
        )

    with pipe.cache.lock():
        pipe.cache.write_entry(entry, write)
    log.info("made %s in %.1f s", entry.name, seconds)
    result = _load(pipe, entry, source)
    result.made = True
    return result


def _load(pipe, entry: Path, source: Source) -> Result | None:
    if not entry.exists():
        return None
    try:
        ipynb = entry / source.filename
        record = cache_mod.read_json(entry / f"{source.filename}.json")
        page = entry / f"{source.filename}.html"
        if not ipynb.is_file() or not page.is_file():
            raise ValueError(f"{ipynb.name} or its page is missing")
    except (OSError, ValueError) as err:
        log.warning(
            "cache entry %s is corrupt (%s); making %s again",
            entry,
            err,
            source.filename,
        )
        pipe.cache.discard(entry)
        return None
    return Result(source, ipynb, page, record)
