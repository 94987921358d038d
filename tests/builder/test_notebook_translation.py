"""A notebook's translation (gen_src/builder/notebook_translation.py):
its own prose around the executed original's code cells, outputs and
tags; a translation that holds code, or marks too few or too many code
cells, is refused with a message naming both scripts."""

from __future__ import annotations

from pathlib import Path

import pytest
from nbformat import v4

from gen_src.builder import notebook_source, notebook_translation

HEADER = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---
"""  # 7 lines: a script's body starts on line 8
REPO = "https://github.com/example/course"


def script(tmp_path: Path, body: str, lang: str = "en"):
    suffix = "" if lang == "en" else f".{lang}"
    path = tmp_path / f"t{suffix}.py"
    path.write_text(HEADER + body, encoding="utf-8")
    return notebook_source.Source("t", lang, path)


def setup():
    return v4.new_code_cell(
        "# set-up", metadata={"tags": ["setup"]}, id="setup"
    )


def executed_original():
    """An executed original: title, set-up, a run cell, an exercise."""
    nb = v4.new_notebook()
    run, exercise = (
        v4.new_code_cell(
            "print(6 * 7)",
            execution_count=2,
            outputs=[v4.new_output("stream", name="stdout", text="42\n")],
            id="cell-2",
        ),
        v4.new_code_cell(
            "# your code here",
            metadata={"tags": ["exercise"]},
            id="cell-4",
        ),
    )
    first = setup()
    first.execution_count = 1
    nb.cells = [
        v4.new_markdown_cell("# Title", id="cell-1"),
        first,
        run,
        v4.new_markdown_cell("Try it", id="cell-3"),
        exercise,
    ]
    return nb


def translation(*code: str):
    """A translation: Chinese prose, its own set-up cell, code cells."""
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# 标题"), setup()]
    for source in code:
        nb.cells += [v4.new_markdown_cell("说明"), v4.new_code_cell(source)]
    return nb


def test_the_code_cells_come_from_the_original_with_everything(tmp_path):
    """Source, outputs, execution count and tags (exercise included) of
    every code cell, the set-up cell's too; the prose stays the
    translation's; the translation itself is filled in and returned."""
    original = executed_original()
    nb = translation("", "")
    out = notebook_translation.translated(
        nb,
        original,
        notebook_source.Source("t", "zh", tmp_path / "t.zh.py"),
        notebook_source.Source("t", "en", tmp_path / "t.py"),
    )
    assert out is nb
    assert [c.source for c in out.cells if c.cell_type == "markdown"] == [
        "# 标题",
        "说明",
        "说明",
    ]
    theirs = [c for c in original.cells if c.cell_type == "code"]
    mine = [c for c in out.cells if c.cell_type == "code"]
    assert [c.source for c in mine] == [c.source for c in theirs]
    assert [c.execution_count for c in mine] == [1, 2, None]
    assert mine[1].outputs[0]["text"] == "42\n"
    assert mine[2].metadata["tags"] == ["exercise"]
    assert len(original.cells) == 5  # the original is not changed


def test_a_code_cell_of_blank_lines_is_a_bare_marker(tmp_path):
    nb = translation("\n  \n")
    original = executed_original()
    original.cells.pop()  # one code cell, as the translation marks
    out = notebook_translation.translated(
        nb,
        original,
        notebook_source.Source("t", "zh", tmp_path / "t.zh.py"),
        notebook_source.Source("t", "en", tmp_path / "t.py"),
    )
    assert out.cells[-1].source == "print(6 * 7)"


def test_too_many_markers_are_refused_with_both_counts(tmp_path):
    zh = notebook_source.Source("t", "zh", tmp_path / "t.zh.py")
    en = notebook_source.Source("t", "en", tmp_path / "t.py")
    with pytest.raises(notebook_source.NotebookError) as err:
        notebook_translation.translated(
            translation("", "", ""), executed_original(), zh, en
        )
    assert str(err.value).startswith(
        f"{zh.shown} marks 3 code cells and {en.shown} has 2; "
    )
    assert "in the same places" in str(err.value)


def test_code_in_a_translation_is_quoted_and_sent_to_the_original(
    tmp_path,
):
    """The message quotes the cell's first line and names the script
    where code lives; code is refused before the cells are counted."""
    en = script(tmp_path, "\n# %%\nx = 1\n")
    zh = script(
        tmp_path,
        "\n# %% [markdown]\n# 你好\n\n# %%\n\n# %%\ny = 2\nz = 3\n",
        "zh",
    )
    nb = notebook_source.read(zh, REPO)
    with pytest.raises(notebook_source.NotebookError) as err:
        notebook_translation.translated(
            nb, notebook_source.read(en, REPO), zh, en
        )
    message = str(err.value)
    assert message.startswith(
        f"{zh.shown}:15 (cell 3): a code cell that is not empty ('y = 2')."
    )
    assert f"Code lives only in {en.shown};" in message
