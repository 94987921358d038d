"""Settings (gen_src/builder/settings.py): the cache folder is chosen once,
GEN_CACHE_DIR first, then mkdocs.yml's cache_dir, then the default."""

from __future__ import annotations

from pathlib import Path

from gen_src import runtime
from gen_src.builder import settings


def test_the_cache_folder_follows_env_then_option_then_default(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("GEN_CACHE_DIR", raising=False)
    assert settings.cache_root() == settings.default_cache()
    assert settings.cache_root("here") == runtime.home() / "here"
    monkeypatch.setenv("GEN_CACHE_DIR", str(tmp_path / "env"))
    assert settings.cache_root("here") == (tmp_path / "env").resolve()
    resolved = settings.Settings.resolve("smoke", "cpu", "here")
    assert resolved.cache_dir == settings.cache_root("here")
    assert isinstance(resolved.cache_dir, Path)
