"""Reporting failures under serve (gen_src/website/report.py): on a
logger outside "mkdocs", each cause once per build, one line per cause."""

from __future__ import annotations

import logging

import pytest

from gen_src.website import report


class Lines(logging.Handler):
    """The messages a logger emits, in order."""

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def said():
    handler = Lines()
    log = report.logger()
    log.addHandler(handler)
    yield handler.lines
    log.removeHandler(handler)


def test_the_logger_is_outside_mkdocs_and_made_once():
    """Strict MkDocs counts errors under "mkdocs": this logger is not one
    of its children, does not propagate to it, and has one handler however
    often it is asked for."""
    log = report.logger()
    assert log is report.logger()
    assert log.name == report.LOGGER
    assert not log.name.startswith("mkdocs")
    assert log.propagate is False
    # pytest 9 adds its own capture handlers here: count this module's
    assert [type(h) for h in log.handlers].count(logging.StreamHandler) == 1


def test_the_line_reads_like_mkdocs_own_errors():
    """The handler writes 'ERROR    -  gen_src: <message>'."""
    (handler,) = [
        h for h in report.logger().handlers if type(h) is logging.StreamHandler
    ]
    record = logging.makeLogRecord(
        {"msg": "figure vae: boom", "levelno": logging.ERROR}
    )
    assert handler.format(record) == "ERROR    -  gen_src: figure vae: boom"


def test_once_says_each_message_once_per_build(said):
    """The same cause in both languages' builds is said once; after
    new_build() it is said again."""
    once = report.Once()
    once("figure a: RuntimeError: x")
    once("figure b: RuntimeError: y")
    once("figure a: RuntimeError: x")
    assert said == ["figure a: RuntimeError: x", "figure b: RuntimeError: y"]
    once.new_build()
    assert once.said == set()
    once("figure a: RuntimeError: x")
    assert said[-1] == "figure a: RuntimeError: x" and len(said) == 3


def test_two_onces_do_not_share_what_they_said(said):
    """Each session has its own memory of what it said."""
    first, second = report.Once(), report.Once()
    first("m")
    second("m")
    assert said == ["m", "m"]


def test_grouped_makes_one_line_per_cause_in_first_seen_order():
    """Figures with the same cause share a line ('figures a, b'), a lone
    one says 'figure'; causes keep the order they were first met in."""
    failures = {
        "vae_samples": FileNotFoundError("no dataset"),
        "gan_ring": RuntimeError("loss became nan"),
        "dcgan_samples": FileNotFoundError("no dataset"),
    }
    assert report.grouped(failures) == [
        "figures vae_samples, dcgan_samples: FileNotFoundError: no dataset",
        "figure gan_ring: RuntimeError: loss became nan",
    ]


def test_grouped_tells_apart_the_same_text_from_two_error_types():
    """The cause is the error's type and its message together."""
    failures = {"a": ValueError("bad"), "b": RuntimeError("bad")}
    assert report.grouped(failures) == [
        "figure a: ValueError: bad",
        "figure b: RuntimeError: bad",
    ]


def test_grouped_of_nothing_is_no_line():
    """No failure, nothing to say."""
    assert report.grouped({}) == []
