"""MathJax's stylesheet published from node_modules
(gen_src/website/assets.py): added once at CSS_URI, and a missing Node or
mathjax package is a MissingAssetError that says how to install it."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from gen_src.website import assets, math_svg

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    cfg = MkDocsConfig()
    cfg.load_dict(
        {
            "site_name": "t",
            "docs_dir": str(docs),
            "site_dir": str(tmp_path / "site"),
        }
    )
    errors, _warnings = cfg.validate()
    assert not errors
    # set by MkDocs while a plugin's (or the hook's) event runs
    cfg.plugins._current_plugin = "hooks"
    return cfg


class Stylesheet:
    """A typesetter whose stylesheet is a file already made (or an
    error)."""

    def __init__(self, path: Path | None = None, error=None):
        self.path, self.error, self.asked = path, error, 0

    def stylesheet_file(self) -> Path:
        self.asked += 1
        if self.error is not None:
            raise self.error
        return self.path


def test_the_stylesheet_is_added_once_at_css_uri(config, tmp_path):
    """The build gets one generated file at CSS_URI, read from the
    typesetter's file; a second language's on_files adds no duplicate."""
    css = tmp_path / "cache.css"
    css.write_text("mjx-container {}", "utf-8")
    files = Files([])
    assets.add_vendor_files(files, config, Stylesheet(css))
    assets.add_vendor_files(files, config, Stylesheet(css))
    (added,) = list(files)
    assert added.src_uri == assets.CSS_URI == "assets/mathjax-svg.css"
    assert added.abs_src_path == str(css)
    assert added.dest_uri == "assets/mathjax-svg.css"
    assert added.generated_by == "hooks"  # File.generated: not in docs/


def test_a_stylesheet_already_in_the_docs_is_kept(config, tmp_path):
    """A file the docs already have at CSS_URI is not replaced (the
    typesetter is still asked, so a missing tool is still reported)."""
    docs = Path(config.docs_dir)
    (docs / "assets").mkdir()
    (docs / assets.CSS_URI).write_text("own", "utf-8")
    own = File(assets.CSS_URI, str(docs), config.site_dir, True)
    files = Files([own])
    typesetter = Stylesheet(tmp_path / "cache.css")
    assets.add_vendor_files(files, config, typesetter)
    assert list(files) == [own] and typesetter.asked == 1


@pytest.mark.parametrize(
    "error",
    [
        math_svg.MissingToolError("node is missing: run `make setup`"),
        math_svg.MathError("the MathJax process failed: boom"),
    ],
)
def test_a_missing_tool_is_a_missing_asset_error(config, error):
    """The hook turns MissingAssetError into a PluginError: it carries the
    typesetter's message, and the original error as its cause; nothing is
    added."""
    files = Files([])
    with pytest.raises(assets.MissingAssetError) as caught:
        assets.add_vendor_files(files, config, Stylesheet(error=error))
    assert str(caught.value) == str(error)
    assert caught.value.__cause__ is error
    assert list(files) == []


def test_other_errors_pass_through(config):
    """Only the typesetter's tool errors are translated: a bug stays a
    bug."""
    with pytest.raises(OSError, match="disk full"):
        assets.add_vendor_files(
            Files([]), config, Stylesheet(error=OSError("disk full"))
        )


def test_without_the_mathjax_package_the_message_says_npm_ci(config, tmp_path):
    """A real typesetter over a checkout without node_modules: the error
    names the missing folder and how to install it."""
    typesetter = math_svg.Typesetter(tmp_path, tmp_path / "cache")
    with pytest.raises(assets.MissingAssetError, match="npm ci") as caught:
        assets.add_vendor_files(Files([]), config, typesetter)
    assert str(tmp_path / "node_modules" / "mathjax") in str(caught.value)


def test_the_real_stylesheet_is_mathjax_css_and_the_error_style(
    config, tmp_path
):
    """With the installed MathJax (one short Node call), the published file
    holds MathJax's SVG rules and the site's .math-error rule."""
    typesetter = math_svg.Typesetter(ROOT, tmp_path / "cache")
    files = Files([])
    try:
        assets.add_vendor_files(files, config, typesetter)
    finally:
        typesetter.close()
    (added,) = list(files)
    text = Path(added.abs_src_path).read_text("utf-8")
    assert 'mjx-container[jax="SVG"]' in text
    assert text.endswith(math_svg.EXTRA_CSS)
