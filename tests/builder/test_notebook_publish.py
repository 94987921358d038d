"""What readers download (gen_src/builder/notebook_publish.py): the
commit the site is built from, and a cached notebook pinned to it,
written once per revision beside the cache's entries."""

from __future__ import annotations

import json
import subprocess

import nbformat
import pytest
import yaml

from gen_src.builder import notebook_publish, notebook_source, pipeline

REPO = "https://github.com/example/course"


@pytest.fixture
def pipe(tmp_path):
    return pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=tmp_path / "cache")
    )


@pytest.fixture
def cached(tmp_path):
    """A cached notebook whose set-up cell holds the placeholder."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 标题"),
            notebook_source.setup_cell(REPO),
        ]
    )
    path = tmp_path / "entries" / "vae.zh-123" / "vae.zh.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def no_revision(monkeypatch):
    monkeypatch.delenv("GEN_REVISION", raising=False)
    monkeypatch.delenv("GITHUB_SHA", raising=False)


def test_the_repository_is_mkdocs_yml_s_extra_repository():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    text = (notebook_source.ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=Loader)
    assert notebook_publish.repository() == config["extra"]["repository"]


def test_gen_revision_comes_before_github_sha(monkeypatch):
    monkeypatch.setenv("GEN_REVISION", "abc123")
    monkeypatch.setenv("GITHUB_SHA", "def456")
    assert notebook_publish.revision() == "abc123"
    monkeypatch.setenv("GEN_REVISION", "")  # empty: not set
    assert notebook_publish.revision() == "def456"


def test_without_variables_the_revision_is_the_checkout_s_head(no_revision):
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=notebook_source.ROOT,
        capture_output=True,
        text=True,
    )
    if head.returncode != 0:
        pytest.skip("the repository is not a git checkout here")
    assert notebook_publish.revision() == head.stdout.strip()


@pytest.mark.parametrize("where", ["not a checkout", "missing folder"])
def test_without_git_the_revision_is_main(
    tmp_path, monkeypatch, no_revision, where
):
    """git failing (no repository) or not starting (no such folder)."""
    folder = tmp_path / "plain"
    if where == "not a checkout":
        folder.mkdir()
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setattr(notebook_publish, "ROOT", folder)
    assert notebook_publish.revision() == "main"


def test_pinned_replaces_every_placeholder():
    text = f"a@{notebook_source.REVISION} b@{notebook_source.REVISION}"
    assert notebook_publish.pinned(text, "abc") == "a@abc b@abc"
    assert notebook_publish.pinned("nothing to pin", "abc") == (
        "nothing to pin"
    )


def test_published_pins_the_notebook_in_a_folder_of_its_revision(pipe, cached):
    target = notebook_publish.published(pipe, cached, "abc123")
    assert target == (
        pipe.cache.root
        / "published"
        / "abc123"
        / "vae.zh-123"
        / "vae.zh.ipynb"
    )
    text = target.read_text("utf-8")
    assert f"git+{REPO}@abc123" in text
    assert notebook_source.REVISION not in text
    nbformat.validate(nbformat.reads(text, as_version=4))
    assert [p.name for p in target.parent.iterdir()] == ["vae.zh.ipynb"]
    assert notebook_source.REVISION in cached.read_text("utf-8")  # kept


def test_published_writes_once_per_revision(pipe, cached):
    """A second call reuses the file; a new revision gets its own."""
    first = notebook_publish.published(pipe, cached, "abc123")
    nb = json.loads(cached.read_text("utf-8"))
    nb["cells"][0]["source"] = "# changed"
    cached.write_text(json.dumps(nb), encoding="utf-8")
    again = notebook_publish.published(pipe, cached, "abc123")
    assert again == first and "# changed" not in again.read_text("utf-8")
    other = notebook_publish.published(pipe, cached, "fed987")
    assert other != first and "# changed" in other.read_text("utf-8")
    assert f"git+{REPO}@fed987" in other.read_text("utf-8")
