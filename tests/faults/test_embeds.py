"""Embeds stay inside the repository and inside code cells. Before, an
embed line with an absolute path, in any cell of a notebook script, was
copied into site/downloads/ and linked: any file on the machine."""

from __future__ import annotations

import markdown
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
"""


def _script(tmp_path, body: str) -> notebook_source.Source:
    path = tmp_path / "leak.py"
    path.write_text(HEADER + body, encoding="utf-8")
    return notebook_source.Source("leak", "en", path)


@pytest.mark.parametrize(
    "body, line, words",
    [
        ('\n# %%\n# --8<-- "/etc/hostname"\n', 10, "outside the repository"),
        ('\n# %%\n# --8<-- "../../etc/hostname"\n', 10, "outside"),
        (
            '\n# %% [markdown]\n# Text\n# --8<-- "snippets/gan_toy.py"\n',
            11,
            "in a Markdown cell",
        ),
        (
            '\n# %%\nx = 1\n# --8<-- "snippets/gan_toy.py:train"\n',
            11,
            "among other code",
        ),
    ],
    ids=["absolute", "parent", "markdown", "mixed"],
)
def test_a_bad_embed_fails_and_names_the_line(tmp_path, body, line, words):
    source = _script(tmp_path, body)
    with pytest.raises(notebook_source.NotebookError) as err:
        notebook_source.embedded_files(source)
    assert f"leak.py:{line} (cell 1)" in str(err.value)
    assert words in str(err.value)
    with pytest.raises(notebook_source.NotebookError):
        notebook_source.read(source, "")  # building it fails too


def test_a_good_embed_is_listed(tmp_path):
    source = _script(
        tmp_path, '\n# %%\n# --8<-- "snippets/gan_toy.py:train"\n'
    )
    assert notebook_source.embedded_files(source) == ["snippets/gan_toy.py"]


def test_pages_cannot_embed_a_file_outside_the_repository(tools):
    """The pages' pymdownx.snippets, configured as in mkdocs.yml."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((tools.ROOT / "mkdocs.yml").read_text(), Loader=Loader)
    options = next(
        e["pymdownx.snippets"]
        for e in config["markdown_extensions"]
        if isinstance(e, dict) and "pymdownx.snippets" in e
    )
    assert options["restrict_base_path"] is True
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={
            "pymdownx.snippets": {**options, "base_path": [str(tools.ROOT)]}
        },
    )
    with pytest.raises(Exception, match="hostname"):
        md.convert('--8<-- "/etc/hostname"\n')
