"""The cache protocol (gen_src/builder/cache.py, Cache.entry): an entry is
made once, loaded while whole, and made again, with a warning, when its
files or its contents are damaged."""

from __future__ import annotations

import logging

import pytest

from gen_src.builder import cache as cache_mod


@pytest.fixture
def cache(tmp_path):
    return cache_mod.Cache(tmp_path / "cache")


def maker(calls: list):
    def make(entry):
        calls.append("make")
        cache_mod.Cache(entry.parent.parent).write_entry(
            entry, lambda tmp: (tmp / "value.txt").write_text("42")
        )
        return "made"

    return make


def load(entry):
    text = (entry / "value.txt").read_text()
    if text != "42":
        raise ValueError("value.txt holds something else")
    return "loaded"


def test_an_entry_is_made_once_then_loaded(cache):
    calls: list = []
    entry = cache.root / "things" / "a-123"
    assert cache.entry(entry, load, maker(calls), "making a") == "made"
    assert cache.entry(entry, load, maker(calls), "making a") == "loaded"
    assert calls == ["make"]


@pytest.mark.parametrize("damage", ["truncate", "contents"])
def test_a_damaged_entry_is_made_again_with_a_warning(cache, caplog, damage):
    calls: list = []
    entry = cache.root / "things" / "a-123"
    cache.entry(entry, load, maker(calls), "making a")
    if damage == "truncate":  # the checksum no longer matches
        (entry / "value.txt").write_text("4")
    else:  # whole files, but load() refuses what they hold
        fresh = cache_mod.Cache(cache.root)
        fresh.write_entry(
            entry, lambda tmp: (tmp / "value.txt").write_text("7")
        )
        cache = fresh
    with caplog.at_level(logging.WARNING, logger="gen_src.cache"):
        assert cache.entry(entry, load, maker(calls), "making a") == "made"
    assert calls == ["make", "make"]
    assert f"cache entry {entry} is damaged" in caplog.text
    assert "making a again" in caplog.text


def test_an_error_outside_damage_is_not_swallowed(cache):
    entry = cache.root / "things" / "a-123"
    cache.entry(entry, load, maker([]), "making a")

    def broken(entry):
        raise KeyError("a bug, not damage")

    with pytest.raises(KeyError):
        cache.entry(entry, broken, maker([]), "making a")
