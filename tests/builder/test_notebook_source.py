"""Reading a notebook page's script (gen_src/builder/notebook_source.py):
the sources found, cell lines, embeds, what a script uses, the notebook
read() makes and the set-up cell it adds."""

from __future__ import annotations

import textwrap
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
import yaml

from gen_src.builder import notebook_source

HEADER = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---
"""  # 7 lines: a script's body starts on line 8
REPO = "https://github.com/example/course"


def script(tmp_path: Path, body: str, name: str = "t"):
    path = tmp_path / f"{name}.py"
    path.write_text(HEADER + body, encoding="utf-8")
    return notebook_source.Source(name, "en", path)


def section(path: str, name: str) -> str:
    """A section of a repository file, dedented, as a page embeds it."""
    text = (notebook_source.ROOT / path).read_text(encoding="utf-8")
    inside = text.split(f"[start:{name}]\n")[1].split(f"[end:{name}]")[0]
    inside = inside.rsplit("\n", 1)[0]  # the end marker's own line
    return textwrap.dedent(inside).strip("\n")


def test_only_a_translation_s_filename_names_its_language(tmp_path):
    """vae.py publishes vae.ipynb, vae.zh.py publishes vae.zh.ipynb."""
    path = tmp_path / "vae.py"
    assert notebook_source.Source("vae", "en", path).filename == "vae.ipynb"
    zh = notebook_source.Source("vae", "zh", tmp_path / "vae.zh.py")
    assert zh.filename == "vae.zh.ipynb"


def test_shown_is_the_repository_path_or_else_the_whole_path(tmp_path):
    """Inside the repository an author reads docs/notebooks/vae.zh.py;
    a script elsewhere is shown by its whole path."""
    inside = notebook_source.ROOT / "docs" / "notebooks" / "vae.zh.py"
    assert (
        notebook_source.Source("vae", "zh", inside).shown
        == "docs/notebooks/vae.zh.py"
    )
    outside = tmp_path / "vae.py"
    assert notebook_source.Source("vae", "en", outside).shown == str(outside)


def test_find_groups_the_scripts_by_name_and_language(tmp_path):
    """Only .py files count; NAME.LANG.py is NAME's translation."""
    folder = tmp_path / notebook_source.FOLDER
    folder.mkdir(parents=True)
    for name in ("a.py", "a.zh.py", "b.py", "notes.txt", "c.ipynb"):
        (folder / name).write_text("# %%\n", encoding="utf-8")
    found = notebook_source.find(tmp_path)
    assert found == {
        "a": {
            "en": notebook_source.Source("a", "en", folder / "a.py"),
            "zh": notebook_source.Source("a", "zh", folder / "a.zh.py"),
        },
        "b": {"en": notebook_source.Source("b", "en", folder / "b.py")},
    }
    assert notebook_source.find(tmp_path / "empty") == {}


def test_cell_lines_are_the_markers_lines_counted_from_one():
    """A marker starts its line; a `# %%` after code is no marker."""
    text = "# %% [markdown]\n# Hi\n\n# %%\nx = 1  # %%\n\n# %% tags=[]\n"
    assert notebook_source.cell_lines(text) == [1, 4, 7]
    assert notebook_source.cell_lines("x = 1\n") == []


def test_embeds_lists_every_line_with_its_cell_and_files_once(tmp_path):
    """Blank lines may sit among the embed lines of a cell; a file
    embedded twice is listed once, in order of first use."""
    src = script(
        tmp_path,
        "\n# %% [markdown]\n# # Title\n\n"
        '# %%\n# --8<-- "snippets/vae_loss.py:loss"\n\n'
        '#  --8<-- "snippets/gan_losses.py:losses"\n\n'
        '# %%\n# --8<-- "snippets/vae_loss.py"\n',
    )
    assert notebook_source.embeds(src) == [
        ("snippets/vae_loss.py", 1, '# --8<-- "snippets/vae_loss.py:loss"'),
        (
            "snippets/gan_losses.py",
            1,
            '#  --8<-- "snippets/gan_losses.py:losses"',
        ),
        ("snippets/vae_loss.py", 2, '# --8<-- "snippets/vae_loss.py"'),
    ]
    assert notebook_source.embedded_files(src) == [
        "snippets/vae_loss.py",
        "snippets/gan_losses.py",
    ]


def test_a_script_without_embeds_embeds_nothing(tmp_path):
    src = script(tmp_path, "\n# %%\nprint('--8<-- is only text here')\n")
    assert notebook_source.embeds(src) == []
    assert notebook_source.embedded_files(src) == []


def test_uses_finds_modules_runs_and_figures(tmp_path):
    """Modules that are files of gen_src (not names inside them, not
    packages, not missing ones); the runs of trained("...") and the
    figures of draw("..."), called bare or as attributes."""
    src = script(
        tmp_path,
        "\n# %%\n"
        "from gen_src import toy, vae\n"
        "from gen_src.vae import VAE\n"
        "from gen_src.builder import pipeline\n"
        "from gen_src.plots import vae as plots_vae\n"
        "from gen_src import no_such_module\n"
        "import numpy\n"
        "run = pipeline.trained('vae2d')\n"
        "gan = trained('toy_ring_ns')\n"
        "pipeline.draw('vae_latent')\n"
        "draw('gan_ring_training', size=3)\n"
        "trained(name)  # not a constant: not known before running\n",
    )
    modules, runs, figures = notebook_source.uses(src)
    assert sorted(set(modules)) == [
        "builder.pipeline",
        "plots.vae",
        "toy",
        "vae",
    ]
    assert runs == ["vae2d", "toy_ring_ns"]
    assert figures == ["vae_latent", "gan_ring_training"]


def test_a_script_that_does_not_parse_is_named_with_its_line(tmp_path):
    src = script(tmp_path, "\n# %%\nx = 1\n\n# %%\n!pip install torch\n")
    with pytest.raises(notebook_source.NotebookError) as err:
        notebook_source.uses(src)
    message = str(err.value)
    assert message.startswith(f"{src.path}:13: not valid Python (")
    assert "magics commented out" in message


def test_read_numbers_the_cells_and_names_the_kernel(tmp_path):
    """Without a title the set-up cell comes first; ids follow the
    script's cells; jupytext's own metadata does not travel."""
    src = script(
        tmp_path, "\n# %%\nx = 1\n\n# %% [markdown]\n# Text\n\n# %%\ny = 2\n"
    )
    nb = notebook_source.read(src, REPO)
    nbformat.validate(nb)
    assert [c.id for c in nb.cells] == ["setup", "cell-1", "cell-2", "cell-3"]
    assert [c.cell_type for c in nb.cells] == [
        "code",
        "code",
        "markdown",
        "code",
    ]
    assert [c.source for c in nb.cells[1:]] == ["x = 1", "Text", "y = 2"]
    assert nb.metadata["kernelspec"] == {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    assert "jupytext" not in nb.metadata


def test_a_cell_of_two_embeds_becomes_both_sections(tmp_path):
    src = script(
        tmp_path,
        "\n# %% [markdown]\n# # Title\n\n"
        '# %%\n# --8<-- "snippets/gan_losses.py:losses"\n'
        '# --8<-- "snippets/vae_loss.py:loss"\n',
    )
    code = notebook_source.read(src, REPO).cells[2].source
    assert code == (
        section("snippets/gan_losses.py", "losses")
        + "\n"
        + section("snippets/vae_loss.py", "loss")
    )


def test_a_missing_section_is_named_with_the_cell(tmp_path):
    src = script(
        tmp_path,
        '\n# %%\nx = 1\n\n# %%\n# --8<-- "snippets/vae_loss.py:nope"\n',
    )
    with pytest.raises(notebook_source.NotebookError) as err:
        notebook_source.read(src, REPO)
    assert str(err.value).startswith(f"{src.path}:13 (cell 2): ")
    assert "nope" in str(err.value)


def test_where_names_the_script_line_of_a_notebook_cell(tmp_path):
    """The set-up cell read() inserts is not counted."""
    src = script(
        tmp_path,
        "\n# %% [markdown]\n# # T\n\n# %%\nx = 1\n\n# %%\ny = 2\n",
    )
    nb = notebook_source.read(src, REPO)
    assert nb.cells[1].id == "setup"
    assert [notebook_source.script_cell(i, nb) for i in (0, 2, 3)] == [
        0,
        1,
        2,
    ]
    assert notebook_source.where(src, nb, 0) == f"{src.path}:10 (cell 1)"
    assert notebook_source.where(src, nb, 2) == f"{src.path}:13 (cell 2)"
    assert notebook_source.where(src, nb, 3) == f"{src.path}:16 (cell 3)"

    code_first = script(tmp_path, "\n# %%\nx = 1\n", name="c")
    nb = notebook_source.read(code_first, REPO)
    assert nb.cells[0].id == "setup"
    assert notebook_source.script_cell(1, nb) == 0
    assert notebook_source.where(code_first, nb, 1).endswith(":10 (cell 1)")


def test_snippet_options_are_mkdocs_yml_s_with_absolute_base_paths():
    """A notebook embeds as a page does: the same options, base paths
    made absolute so the working folder does not matter."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    text = (notebook_source.ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=Loader)
    page = next(
        e["pymdownx.snippets"]
        for e in config["markdown_extensions"]
        if isinstance(e, dict) and "pymdownx.snippets" in e
    )
    options = notebook_source.snippet_options()
    assert {k: v for k, v in options.items() if k != "base_path"} == {
        k: v for k, v in page.items() if k != "base_path"
    }
    assert options["base_path"] == [
        str(notebook_source.ROOT / p) for p in page.get("base_path", ["."])
    ]
    assert all(Path(p).is_absolute() for p in options["base_path"])


def test_the_set_up_cell_pins_the_placeholder_and_safetensors():
    """Until the site is published it installs the placeholder revision,
    with the build's safetensors; where gen_src is importable (here) it
    does nothing."""
    cell = notebook_source.setup_cell(REPO)
    assert cell.cell_type == "code" and cell.id == "setup"
    assert cell.metadata["tags"] == ["setup"]
    assert f'"git+{REPO}@{notebook_source.REVISION}"' in cell.source
    assert f'"safetensors=={version("safetensors")}"' in cell.source
    assert "--no-deps" in cell.source
    exec(compile(cell.source, "setup", "exec"), {})  # gen_src is found
