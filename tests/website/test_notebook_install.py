"""A notebook that failed: the build stops naming it; serve shows it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs.structure.files import File, Files

from gen_src.builder import notebooks
from gen_src.website import notebook_pages


def setup(tmp_path):
    config = SimpleNamespace(
        docs_dir=str(tmp_path / "docs"),
        site_dir=str(tmp_path / "site"),
        use_directory_urls=True,
    )
    script = File("notebooks/demo.py", config.docs_dir, config.site_dir, True)
    failure = notebooks.NotebookError(
        "docs/notebooks/demo.py: cell 3 ('y = x / 0') failed: "
        "ZeroDivisionError: division by zero"
    )
    return config, Files([script]), {("demo", "en"): failure}


def test_build_stops_and_names_the_notebook_and_cell(tmp_path):
    config, files, results = setup(tmp_path)
    with pytest.raises(
        notebook_pages.NotebookError,
        match=r"notebooks/demo\.py: NotebookError: .*cell 3",
    ):
        notebook_pages.install(
            files, config, results, "en", "en", ["en", "zh"], serve=False
        )


def test_serve_shows_the_failure_on_the_page(tmp_path):
    config, files, results = setup(tmp_path)
    notebook_pages.install(
        files, config, results, "zh", "en", ["en", "zh"], serve=True
    )
    page_file = files.get_file_from_path("notebooks/demo.py")
    assert page_file.is_documentation_page()
    assert page_file.url == "zh/notebooks/demo/"
    assert page_file.alternates["en"].url == "notebooks/demo/"
    page = SimpleNamespace(file=page_file)
    notebook_pages.render(page, "https://github.com/a/b")
    assert "failure" in page.content and "ZeroDivisionError" in page.content
