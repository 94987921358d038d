"""Fixtures of the build floor's tests."""

from __future__ import annotations

import shutil

import pytest

from gen_src.builder import registry


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A copy of the course in a temporary folder the registry reads."""
    copy = tmp_path / "gen_src"
    shutil.copytree(
        registry.PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    monkeypatch.setattr(registry, "PACKAGE_DIR", copy)
    registry.rescan()
    yield copy
    registry.rescan()  # the real package again
