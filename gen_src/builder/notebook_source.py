"""Reading a notebook page's script: cells, embeds, what it uses.

A notebook is kept as text in docs/notebooks/: NAME.py (the default
language) beside NAME.LANG.py (a translation), jupytext percent format.
Code lives only in the default language's script; a translation marks
each code cell with a bare `# %%`.

- A code cell made only of `# --8<-- "path:section"` lines becomes that
  section of snippets/ or gen_src/, read by pymdownx.snippets as on the
  pages. An embed must name a file inside the repository, and stand in a
  code cell; anything else fails and names the line.
- A set-up cell goes after the title: wherever gen_src is missing (on
  Colab), it installs the package from the repository, at the commit the
  notebook was built from (filled in when the site is published).
- Cells are numbered as the author sees them in the script (1 is the
  first cell, the set-up cell does not count), with their line.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from .. import runtime
from . import registry, strings

ROOT = runtime.REPOSITORY
FOLDER = Path("docs") / "notebooks"
EMBED = re.compile(r'^#\s*(--8<--\s+"([^"]+)")\s*$')
# anything that looks like an embed, in a code or a Markdown cell
EMBED_LIKE = re.compile(r'^\s*(?:#\s*)?--8<--\s+"([^"]+)"')
CELL = re.compile(r"^# %%")
# In the set-up cell until the site is published: then the commit.
REVISION = "GEN_SRC_REVISION"


class NotebookError(RuntimeError):
    """A notebook could not be built; the message names file and cell."""


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

    @property
    def shown(self) -> str:
        """The path as an author types it: docs/notebooks/vae.zh.py."""
        try:
            return self.path.relative_to(ROOT).as_posix()
        except ValueError:
            return str(self.path)


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


def cell_lines(text: str) -> list[int]:
    """The line (1-based) where each cell of a percent script starts."""
    return [
        n for n, line in enumerate(text.splitlines(), 1) if CELL.match(line)
    ]


def _where(
    source: Source, lines: list[int], cell: int, offset: int = 1
) -> str:
    """'docs/notebooks/vae.py:42 (cell 7)' for a 0-based script cell: the
    line of its offset-th line (its first, by default)."""
    line = lines[cell] + offset if cell < len(lines) else 0
    return f"{source.shown}:{line} (cell {cell + 1})"


def embeds(source: Source) -> list[tuple[str, int, str]]:
    """(path, cell, section line) of every embed, checked: inside the
    repository, in a code cell. Raises NotebookError naming the line."""
    import jupytext

    text = source.path.read_text(encoding="utf-8")
    lines = cell_lines(text)
    found = []
    for index, cell in enumerate(jupytext.reads(text, fmt="py:percent").cells):
        rows = cell.source.splitlines()
        for offset, line in enumerate(rows, 1):
            match = EMBED_LIKE.match(line)
            if not match:
                continue
            where = _where(source, lines, index, offset)
            if cell.cell_type != "code":
                raise NotebookError(
                    f"{where}: an embed line in a Markdown cell; move "
                    "`# --8<-- ...` into a code cell of its own"
                )
            if not all(EMBED.match(r.strip()) for r in rows if r.strip()):
                raise NotebookError(
                    f"{where}: an embed line among other code; give the "
                    "embed lines a code cell of their own"
                )
            path = match.group(1).split(":")[0]
            _check_inside(path, where)
            found.append((path, index, line.strip()))
    return found


def embedded_files(source: Source) -> list[str]:
    """Repository paths of the files a script embeds, in order, once each."""
    return list(dict.fromkeys(path for path, _, _ in embeds(source)))


def uses(source: Source) -> tuple[list[str], list[str], list[str]]:
    """(gen_src modules imported, runs trained(...), figures draw(...))."""
    text = source.path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text, filename=str(source.path))
    except SyntaxError as err:
        raise NotebookError(
            f"{source.shown}:{err.lineno}: not valid Python ({err.msg}); a "
            "jupytext script must parse, with magics commented out"
        ) from err
    modules, runs, figures = [], [], []
    for node in ast.walk(tree):
        module = getattr(node, "module", None) or ""
        if isinstance(node, ast.ImportFrom) and module.startswith("gen_src"):
            prefix = module.removeprefix("gen_src").strip(".")
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


def read(source: Source, repository: str):
    """The notebook of a script: embeds expanded, the set-up cell second.

    Cells get ids from their place (cell-1, ...), not random ones, so a
    build is the same byte for byte.
    """
    import jupytext
    import nbformat

    embeds(source)  # every embed line checked, in every cell
    text = source.path.read_text(encoding="utf-8")
    nb = jupytext.reads(text, fmt="py:percent")
    lines = cell_lines(text)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.source = _expand(cell.source, source, lines, index)
        cell.id = f"cell-{index + 1}"
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


def script_cell(nb_index: int, nb) -> int:
    """The 0-based script cell of a notebook cell (read() added one)."""
    setup = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
    return nb_index - 1 if nb_index > setup else nb_index


def where(source: Source, nb, nb_index: int) -> str:
    """Where a notebook cell stands in the author's script."""
    text = source.path.read_text(encoding="utf-8")
    return _where(source, cell_lines(text), script_cell(nb_index, nb))


@functools.lru_cache(maxsize=1)
def snippet_options() -> dict:
    """mkdocs.yml's pymdownx.snippets options, its base paths made
    absolute: a notebook embeds code exactly as a page does."""
    import yaml

    class Loader(yaml.SafeLoader):
        """mkdocs.yml's own tags (!ENV, !!python/...) read as None."""

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for item in yaml.load(text, Loader=Loader)["markdown_extensions"]:
        if isinstance(item, dict) and "pymdownx.snippets" in item:
            options = dict(item["pymdownx.snippets"] or {})
            paths = options.get("base_path", ["."])
            options["base_path"] = [str(ROOT / p) for p in paths]
            return options
    raise NotebookError("mkdocs.yml: pymdownx.snippets is not configured")


def _expand(code: str, source: Source, lines: list[int], index: int) -> str:
    rows = [line for line in code.splitlines() if line.strip()]
    if not rows or not all(EMBED.match(line.strip()) for line in rows):
        return code
    import markdown

    for offset, row in enumerate(rows, 1):
        path = EMBED.match(row.strip()).group(2).split(":")[0]
        _check_inside(path, _where(source, lines, index, offset))
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": snippet_options()},
    )
    try:
        expanded = md.preprocessors["snippet"].run(
            [EMBED.match(line.strip()).group(1) for line in rows]
        )
    except Exception as err:  # pymdownx raises SnippetMissingError
        raise NotebookError(f"{_where(source, lines, index)}: {err}") from err
    return "\n".join(expanded).strip("\n")


def setup_cell(repository: str):
    """Installs gen_src where it is missing (Colab); a no-op elsewhere.

    It pins the commit (REVISION until the site is published) and the
    safetensors the build used.
    """
    import nbformat

    pinned = f"safetensors=={version('safetensors')}"
    code = (
        "# Set-up: on Colab (or any machine without this course's package)\n"
        "# install gen_src from the repository, at the commit this notebook\n"
        "# was built from. Torch comes with Colab.\n"
        "import importlib.util, subprocess, sys\n"
        'if importlib.util.find_spec("gen_src") is None:\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install",'
        ' "-q", "--no-deps",\n'
        f'                    "git+{repository}@{REVISION}", "{pinned}"],'
        " check=True)"
    )
    return nbformat.v4.new_code_cell(
        code, metadata={"tags": ["setup"]}, id="setup"
    )


def _check_inside(path: str, where: str) -> None:
    """Refuse an embed of a file outside the repository."""
    target = (ROOT / path).resolve()
    if Path(path).is_absolute() or not target.is_relative_to(ROOT):
        raise NotebookError(
            f"{where}: the embed {path!r} is outside the repository; embed "
            "files under snippets/ or gen_src/ by their repository path"
        )
