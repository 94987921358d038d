"""The notebook builder: embeds, execution, errors, twins, cache, render."""

from __future__ import annotations

import logging
from pathlib import Path

import nbformat
import pytest

from gen_src.builder import (
    notebook_html,
    notebook_kernel,
    notebook_source,
    notebook_translation,
    notebooks,
    pipeline,
)

HEADER = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---
"""
REPO = "https://github.com/example/course"


def script(tmp_path: Path, name: str, body: str, lang: str = "en"):
    suffix = "" if lang == "en" else f".{lang}"
    path = tmp_path / f"{name}{suffix}.py"
    path.write_text(HEADER + body, encoding="utf-8")
    return notebooks.Source(name, lang, path)


@pytest.fixture
def pipe(tmp_path):
    return pipeline.Pipeline(
        pipeline.Settings.resolve("smoke", "cpu", tmp_path / "cache")
    )


def test_every_notebook_has_both_languages():
    found = notebooks.find()
    assert {"vae"} <= set(found)
    for name, langs in found.items():
        assert set(langs) == {"en", "zh"}, name


def test_embed_cell_becomes_the_section(tmp_path):
    src = script(
        tmp_path,
        "demo",
        """
# %% [markdown]
# # Title

# %%
# --8<-- "snippets/gan_losses.py:losses"
""",
    )
    nb = notebook_source.read(src, REPO)
    assert nb.cells[1].metadata["tags"] == ["setup"]  # after the title
    assert f"git+{REPO}" in nb.cells[1].source
    code = nb.cells[2].source
    section = (
        Path("snippets/gan_losses.py")
        .read_text()
        .split("[start:losses]\n")[1]
        .split("    # --8<-- [end:losses]")[0]
    )
    assert code.splitlines()[0] == section.splitlines()[0].strip()
    assert "--8<--" not in code and "    logits" not in code  # dedented
    assert notebooks.embedded_files(src) == ["snippets/gan_losses.py"]


def test_missing_embed_names_the_notebook_and_cell(tmp_path):
    src = script(
        tmp_path,
        "demo",
        """
# %%
x = 1

# %%
# --8<-- "snippets/no_such_file.py:part"
""",
    )
    with pytest.raises(
        notebooks.NotebookError,
        match=r"demo\.py:13 \(cell 2\): .*no_such_file",
    ):
        notebook_source.read(src, REPO)


def test_failing_cell_is_named(tmp_path, pipe):
    src = script(
        tmp_path,
        "bad",
        """
# %% [markdown]
# # Bad

# %%
x = 1

# %%
y = x / 0
""",
    )
    nb = notebook_source.read(src, REPO)
    with pytest.raises(
        notebooks.NotebookError,
        match=r"bad\.py:16 \(cell 3\) \('y = x / 0'\) failed: "
        r"ZeroDivisionError",
    ):
        notebook_kernel.execute(nb, src, pipe.settings)


def test_translations_hold_no_code(tmp_path):
    en = script(tmp_path, "t", "# %% [markdown]\n# Hi\n\n# %%\nx = 1\n")
    zh = script(tmp_path, "t", "# %% [markdown]\n# 你好\n\n# %%\n", "zh")
    nb = notebook_translation.translated(
        notebook_source.read(zh, REPO), notebook_source.read(en, REPO), zh, en
    )
    assert [c.source for c in nb.cells if c.cell_type == "markdown"] == [
        "你好"
    ]
    assert nb.cells[-1].source == "x = 1"  # the English code, filled in

    pasted = script(tmp_path, "t", "# %%\nx = 2\n", "zh")
    with pytest.raises(
        notebooks.NotebookError,
        match=r"t\.zh\.py:9 \(cell 1\): a code cell that is not empty",
    ):
        notebook_translation.translated(
            notebook_source.read(pasted, REPO),
            notebook_source.read(en, REPO),
            pasted,
            en,
        )
    missing = script(tmp_path, "t", "# %% [markdown]\n# 你好\n", "zh")
    with pytest.raises(
        notebooks.NotebookError,
        match=r"t\.zh\.py marks 0 code cells and .*t\.py has 1",
    ):
        notebook_translation.translated(
            notebook_source.read(missing, REPO),
            notebook_source.read(en, REPO),
            missing,
            en,
        )


def test_build_caches_and_retries_a_corrupt_entry(
    tmp_path, pipe, monkeypatch, caplog
):
    body = """
# %% [markdown]
# # 训练 {lang}
#
# Some math: $x^2$.

# %%
print(6 * 7)
"""
    sources = {
        "en": script(tmp_path, "tiny", body.format(lang="en")),
        "zh": script(
            tmp_path,
            "tiny",
            body.format(lang="zh").replace("print(6 * 7)", ""),
            "zh",
        ),
    }
    first = notebooks.build_sources(pipe, sources, REPO)
    assert all(r.made for r in first.values())
    en, zh = first["tiny", "en"], first["tiny", "zh"]
    for result in (en, zh):
        nb = nbformat.read(result.ipynb, as_version=4)
        nbformat.validate(nb)
        assert nb.cells[-1].outputs[0]["text"] == "42\n"
    assert zh.ipynb.name == "tiny.zh.ipynb"
    assert zh.record["toc"][0]["id"] == "训练-zh"  # not "" (ASCII slugs)

    def no_run(*args):
        raise AssertionError("executed again")

    monkeypatch.setattr(notebooks, "execute", no_run)
    again = notebooks.build_sources(pipe, sources, REPO)
    assert not any(r.made for r in again.values())
    assert again["tiny", "en"].ipynb == en.ipynb

    en.html.unlink()  # damage the entry: it is built again, with a warning
    monkeypatch.undo()
    with caplog.at_level(logging.WARNING):
        rebuilt = notebooks.build_sources(pipe, sources, REPO)
    assert rebuilt["tiny", "en"].made and "damaged" in caplog.text

    # new Chinese prose: translated again, nothing executed
    monkeypatch.setattr(notebooks, "execute", no_run)
    zh_text = sources["zh"].path.read_text()
    sources["zh"].path.write_text(zh_text.replace("# # 训练 zh", "# # 训练"))
    retranslated = notebooks.build_sources(pipe, sources, REPO)
    assert retranslated["tiny", "zh"].record["key"] != zh.record["key"]
    assert (
        retranslated["tiny", "en"].record["key"]
        == rebuilt["tiny", "en"].record["key"]
    )

    sources["en"].path.write_text(HEADER + body.format(lang="en") + "\n1\n")
    assert notebooks.key(pipe, sources["en"], REPO) != en.record["key"]


def test_render_keeps_the_page_offline(tmp_path, pipe):
    src = script(tmp_path, "r", "# %% [markdown]\n# # 标题\n# $a$\n")
    nb = notebook_source.read(src, REPO)
    path = tmp_path / "r.ipynb"
    nbformat.write(nb, path)
    body, css, toc, title = notebook_html.render(path)
    assert title == "标题" and toc[0]["id"] == "标题"
    assert "cdnjs" not in body and "<style" not in body
    assert ".jp-Notebook" in css
    assert "$a$" in body  # left for the site's MathJax
