"""Executing a notebook (gen_src/builder/notebook_kernel.py): the kernel
gets the build's settings, exercises are skipped, printed text comes out
as one output per stream, and the process's environment is left as it
was; a failure names the cell."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from nbformat import v4

from gen_src.builder import notebook_kernel, notebook_source, pipeline

HEADER = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---
"""  # 7 lines: a script's body starts on line 8
REPO = "https://github.com/example/course"


def stream(name: str, text: str):
    return v4.new_output("stream", name=name, text=text)


def test_the_environment_holds_the_settings_then_is_restored(
    tmp_path, monkeypatch
):
    """A relative cache folder is made absolute (the kernel runs in
    another folder); afterwards every variable is as before, those set
    inside gone, even when the block raised."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GEN_PROFILE", "quick")
    monkeypatch.delenv("GEN_SCRATCH", raising=False)
    before = dict(os.environ)
    settings = pipeline.Settings(
        profile="smoke", device="cpu", cache_dir=Path("cache")
    )
    with pytest.raises(RuntimeError, match="a cell failed"):
        with notebook_kernel._environment(settings):
            assert os.environ["GEN_PROFILE"] == "smoke"
            assert os.environ["GEN_DEVICE"] == "cpu"
            assert os.environ["GEN_CACHE_DIR"] == str(tmp_path / "cache")
            assert os.environ["MPLBACKEND"] == (
                "module://matplotlib_inline.backend_inline"
            )
            os.environ["GEN_SCRATCH"] = "1"
            raise RuntimeError("a cell failed")
    assert dict(os.environ) == before


def test_runs_of_one_stream_become_one_output():
    """stdout then stdout merge; stderr between them, or a picture,
    keeps them apart; a Markdown cell (no outputs) is left alone."""
    picture = v4.new_output("display_data", data={"text/plain": "<Figure>"})
    code = v4.new_code_cell(
        "x",
        outputs=[
            stream("stdout", "a\n"),
            stream("stdout", "b\n"),
            stream("stderr", "warning\n"),
            stream("stdout", "c\n"),
            picture,
            stream("stdout", "d"),
            stream("stdout", "e\n"),
        ],
    )
    text = v4.new_markdown_cell("# Title")
    nb = v4.new_notebook(cells=[text, code])
    out = notebook_kernel._coalesced(nb)
    assert out is nb
    assert "outputs" not in out.cells[0]
    assert [(o["output_type"], o.get("text")) for o in code.outputs] == [
        ("stream", "a\nb\n"),
        ("stream", "warning\n"),
        ("stream", "c\n"),
        ("display_data", None),
        ("stream", "de\n"),
    ]


def test_execute_runs_every_cell_but_the_exercises(tmp_path):
    """In the folder given, with the settings' environment; an exercise
    that would fail is not run; prints split by timing come out whole;
    the caller's environment is untouched."""
    path = tmp_path / "k.py"
    path.write_text(
        HEADER + "\n# %% [markdown]\n# # Kernel\n\n"
        "# %%\nimport os\n"
        "print(os.environ['GEN_PROFILE'], os.environ['GEN_DEVICE'])\n"
        "print(os.environ['GEN_CACHE_DIR'])\n"
        "print(os.getcwd())\n\n"
        '# %% tags=["exercise"]\nraise RuntimeError("for the reader")\n\n'
        "# %%\nimport sys, time\n"
        "for i in range(3):\n"
        "    print(i, flush=True)\n"
        "    time.sleep(0.05)\n"
        "print('oops', file=sys.stderr)\n",
        encoding="utf-8",
    )
    source = notebook_source.Source("k", "en", path)
    nb = notebook_source.read(source, REPO)
    settings = pipeline.Settings(
        profile="smoke", device="cpu", cache_dir=tmp_path / "cache"
    )
    before = dict(os.environ)
    out = notebook_kernel.execute(nb, source, settings, cwd=tmp_path)
    assert dict(os.environ) == before
    env, exercise, loop = out.cells[2], out.cells[3], out.cells[4]
    assert [o["text"] for o in env.outputs] == [
        f"smoke cpu\n{tmp_path / 'cache'}\n{tmp_path}\n"
    ]
    assert exercise.metadata["tags"] == [notebook_kernel.EXERCISE]
    assert exercise.outputs == [] and exercise.execution_count is None
    assert [(o["name"], o["text"]) for o in loop.outputs] == [
        ("stdout", "0\n1\n2\n"),
        ("stderr", "oops\n"),
    ]


def test_running_names_the_start_up_or_the_cell(tmp_path):
    path = tmp_path / "k.py"
    path.write_text(HEADER + "\n# %%\nx = 1\n", encoding="utf-8")
    source = notebook_source.Source("k", "en", path)
    nb = notebook_source.read(source, REPO)
    assert notebook_kernel._running(nb, source, None) == "its start-up"
    assert notebook_kernel._running(nb, source, 1) == f"{path}:10 (cell 1)"


def test_a_failure_names_the_errored_cell_or_else_the_file(tmp_path):
    """The cell's first line, cut at 70 characters; without an error
    output (nbclient failed elsewhere), the error's last line."""
    path = tmp_path / "k.py"
    long = "y = " + " + ".join(["x"] * 30)
    path.write_text(
        HEADER + f"\n# %%\nx = 1\n\n# %%\n{long}\n", encoding="utf-8"
    )
    source = notebook_source.Source("k", "en", path)
    nb = notebook_source.read(source, REPO)
    assert notebook_kernel._failure(
        nb, source, RuntimeError("Cell failed\nsee the log\n")
    ) == (f"{path}: see the log")
    nb.cells[2].outputs = [
        v4.new_output("error", ename="NameError", evalue="x", traceback=[])
    ]
    assert notebook_kernel._failure(nb, source, RuntimeError("any")) == (
        f"{path}:13 (cell 2) ({long[:70]!r}) failed: NameError: x"
    )
