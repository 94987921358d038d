"""A notebook's translation: its own prose around the original's code.

The code of a notebook page lives only in the original script; a
translation marks each code cell with a bare `# %%` line, and receives
the executed code cells and their outputs from the original. Used by
gen_src.builder.notebooks.
"""

from __future__ import annotations

from .notebook_source import NotebookError, Source, where


def _code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def translated(nb, executed, source: Source, reference: Source):
    """nb, a translation, with the code cells and outputs of executed.

    A translation's code cells are bare `# %%` lines that say where each
    code cell goes: the code itself lives only in the original script.
    """
    mine, theirs = _code_cells(nb), _code_cells(executed)
    for index, cell in enumerate(nb.cells):
        if (
            cell.cell_type == "code"
            and "setup" not in cell.metadata.get("tags", [])
            and cell.source.strip()
        ):
            raise NotebookError(
                f"{where(source, nb, index)}: a code cell that is not "
                f"empty ({cell.source.strip().splitlines()[0]!r}). Code "
                f"lives only in {reference.shown}; in a translation leave "
                "each code cell as a bare '# %%' line"
            )
    if len(mine) != len(theirs):
        raise NotebookError(
            f"{source.shown} marks {len(mine) - 1} code cells and "
            f"{reference.shown} has {len(theirs) - 1}; give the "
            "translation one bare '# %%' line per code cell, in the same "
            "places"
        )
    for a, b in zip(mine, theirs):  # the set-up cell's count, too
        a.source, a.outputs = b.source, b.outputs
        a.execution_count = b.execution_count
        a.metadata = b.metadata  # tags (exercise) included
    return nb
