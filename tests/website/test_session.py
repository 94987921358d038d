"""The build session (gen_src/website/session.py): a build stops on a
failed figure, naming it and its cause; serve reports it and goes on;
the switches read the environment, then mkdocs.yml."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from gen_src.website import session


class FakePipeline:
    settings = type("S", (), {"profile": "smoke", "cache_dir": None})()

    def build(self, names=None):
        return {"vae_samples": RuntimeError("loss became nan")}


CONFIG = type("C", (), {"extra": {}})()


def test_a_build_fails_naming_the_figure_and_its_cause():
    build = session.Session(command="build")
    with pytest.raises(PluginError, match="vae_samples.*loss became nan"):
        build.figures([], CONFIG, FakePipeline())


def test_serve_reports_the_failure_once_and_keeps_going():
    serve = session.Session(command="serve")
    serve.figures([], CONFIG, FakePipeline())
    serve.figures([], CONFIG, FakePipeline())  # the other language
    assert isinstance(serve.results["vae_samples"], RuntimeError)
    assert serve.once.said == {
        "figure vae_samples: RuntimeError: loss became nan"
    }
    serve.once.new_build()
    assert not serve.once.said


def test_pages_see_no_pipeline_when_it_is_off():
    on = session.Session(pipeline=FakePipeline(), results={}, exports={})
    page = type("P", (), {"url": "vae/", "file": type("F", (), {})()})()
    page.file.src_uri = "vae.md"
    assert on.page(page, "zh").pipe is on.pipeline
    off = session.Session(pipeline=FakePipeline(), results=None)
    context = off.page(page, "zh")
    assert context.pipe is None and context.exports is None
    assert context.where == "docs/vae.md" and context.lang == "zh"


def test_switches_read_env_then_mkdocs_yml(monkeypatch):
    monkeypatch.delenv("GEN_NOTEBOOKS", raising=False)
    assert session.enabled("GEN_NOTEBOOKS", "notebooks", {})
    assert not session.enabled(
        "GEN_NOTEBOOKS", "notebooks", {"notebooks": False}
    )
    monkeypatch.setenv("GEN_NOTEBOOKS", "off")
    assert not session.enabled(
        "GEN_NOTEBOOKS", "notebooks", {"notebooks": True}
    )  # the environment wins
    monkeypatch.setenv("GEN_NOTEBOOKS", "maybe")
    with pytest.raises(PluginError, match="GEN_NOTEBOOKS='maybe'.*on or off"):
        session.enabled("GEN_NOTEBOOKS", "notebooks", {})


def test_unknown_options_are_refused_naming_the_known_ones():
    config = type("C", (), {"extra": {"gen_src": {"profle": "quick"}}})()
    with pytest.raises(PluginError, match="profle.*known: cache_dir"):
        session.options(config)
