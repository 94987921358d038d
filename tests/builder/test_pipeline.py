"""The figure pipeline: registry, keys, cache hits and misses, damage."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from gen_src.builder import cache as cache_mod
from gen_src.builder import pipeline, registry

FIGURE = "gan_ring_training"  # the cheapest figure: one toy run
RUN = "toy_ring_ns"


@pytest.fixture
def pipe(tmp_path):
    return pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=tmp_path / "cache")
    )


def test_a_warm_cache_computes_every_key_without_torch(tmp_path):
    """A run's config is computed (importing torch) once per source key
    and cached; from then on, keys need no torch: a warm build imports
    none."""
    import subprocess
    import sys

    code = (
        "import sys; from gen_src.builder import registry, pipeline; "
        "p = pipeline.Pipeline(pipeline.Settings('smoke', "
        f"cache_dir={str(tmp_path)!r})); "
        "[p.figure_key(n) for n in registry.figures()]; "
        "print('torch' in sys.modules)"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert outs == ["True", "False"]


def test_every_figure_needs_known_runs():
    figures = registry.figures()
    assert len(figures) >= 20
    for spec in figures.values():
        assert spec.runs and set(spec.runs) <= set(registry.runs())


def test_unknown_figure_names_the_page():
    with pytest.raises(registry.UnknownFigureError) as err:
        registry.figure("no_such_figure", page="docs/gan.md")
    assert "docs/gan.md" in str(err.value)
    assert "no_such_figure" in str(err.value)


def test_miss_trains_then_hit_loads(pipe, tmp_path, monkeypatch):
    first = pipe.figure(FIGURE)
    assert first.trained and first.png.read_bytes()[:4] == b"\x89PNG"
    record = json.loads(first.png.with_name("record.json").read_text())
    assert record["runs"][0]["run"] == RUN
    assert record["runs"][0]["profile"] == "smoke"

    # A new process (new Pipeline) with the same cache trains nothing.
    from gen_src import gan

    monkeypatch.setattr(gan, "train", _must_not_train)
    again = pipeline.Pipeline(pipe.settings).figure(FIGURE)
    assert not again.trained and again.png == first.png
    run, _ = pipeline.Pipeline(pipe.settings).run(RUN)
    assert set(run.models) >= {"G", "D"}


def _must_not_train(*args, **kwargs):
    raise AssertionError("a cached run was trained again")


def test_corrupt_entries_are_rebuilt_with_a_warning(pipe, caplog):
    first = pipe.figure(FIGURE)
    profile, key = pipe._locate_run(RUN)
    weights = pipe.cache.run_dir(RUN, profile, key) / "weights.safetensors"
    weights.write_bytes(b"garbage")
    first.png.write_bytes(b"not a png")
    fresh = pipeline.Pipeline(pipe.settings)
    with caplog.at_level(logging.WARNING, logger="gen_src.pipeline"):
        again = fresh.figure(FIGURE)
        fresh.run(RUN)
    assert again.trained and again.png.read_bytes()[:4] == b"\x89PNG"
    assert "damaged" in caplog.text


def test_changed_source_changes_only_its_keys(pipe, package):
    before = {n: pipe.run_key(n, "smoke") for n in ("vae", "cvae", RUN)}
    with open(package / "vae.py", "a") as f:
        f.write("\n# an edit\n")
    registry.rescan()  # the next build looks at the files again
    after = {n: pipe.run_key(n, "smoke") for n in ("vae", "cvae", RUN)}
    assert after["vae"] != before["vae"]
    assert after["cvae"] != before["cvae"]  # cvae imports vae
    assert after[RUN] == before[RUN]


def test_profile_is_part_of_the_key(pipe):
    assert pipe.run_key(RUN, "smoke") != pipe.run_key(RUN, "quick")


def test_cached_full_beats_quick(tmp_path):
    quick = pipeline.Pipeline(
        pipeline.Settings(profile="quick", cache_dir=tmp_path)
    )
    full_key = quick.run_key(RUN, "full")
    entry = quick.cache.run_dir(RUN, "full", full_key)
    entry.mkdir(parents=True)
    (entry / "record.json").write_text("{}")
    assert quick._locate_run(RUN) == ("full", full_key)


def test_interrupted_write_leaves_nothing(tmp_path):
    store = cache_mod.Cache(tmp_path)
    final = tmp_path / "runs" / "x"

    def write(folder: Path):
        (folder / "weights.safetensors").write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.write_entry(final, write)
    assert not final.exists()
    assert list((tmp_path / "runs").iterdir()) == []


def test_entry_locks_are_reentrant_and_clean_leftovers(tmp_path):
    store = cache_mod.Cache(tmp_path)
    entry = store.figure_dir("f", "k")
    leftover = entry.parent / f"{cache_mod.TMP_PREFIX}{entry.name}abc"
    leftover.mkdir(parents=True)  # a build that was killed outright
    with store.lock(entry):
        assert not leftover.exists()
        with store.lock(entry):
            pass
        with store.lock(store.figure_dir("g", "k")):  # another entry
            pass


def test_bad_settings_name_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("GEN_PROFILE", "fast")
    with pytest.raises(ValueError, match="GEN_PROFILE='fast'"):
        pipeline.Settings.resolve()
    monkeypatch.delenv("GEN_PROFILE")
    with pytest.raises(ValueError, match="extra.gen_src.profile"):
        pipeline.Settings.resolve(profile="huge")
    monkeypatch.setenv("GEN_DEVICE", "tpu")
    with pytest.raises(ValueError, match="GEN_DEVICE='tpu'"):
        pipeline.Settings.resolve()


def test_unwritable_cache_names_the_setting(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if __import__("os").access(locked, __import__("os").W_OK):
            pytest.skip("running as a user that ignores permissions")
        with pytest.raises(cache_mod.CacheError, match="GEN_CACHE_DIR"):
            cache_mod.Cache(locked / "cache")
    finally:
        locked.chmod(0o700)


def test_cache_file_in_the_way_names_the_setting(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(cache_mod.CacheError, match="GEN_CACHE_DIR"):
        cache_mod.Cache(blocker / "cache")


def test_a_run_built_on_another_is_keyed_by_it(pipe, tmp_path):
    """latent_flow builds on the run "vae" (its UPSTREAM): a cached full
    VAE, which a quick build prefers, is another VAE, so another key."""
    assert registry.runs()["latent_flow"].upstream == "vae"
    quick = pipeline.Pipeline(
        pipeline.Settings(profile="quick", cache_dir=tmp_path / "q")
    )
    before = quick.run_key("latent_flow", "quick")
    entry = quick.cache.run_dir("vae", "full", quick.run_key("vae", "full"))
    entry.mkdir(parents=True)
    (entry / "record.json").write_text("{}")
    assert quick.located_key("vae").startswith("full:")
    assert quick.run_key("latent_flow", "quick") != before
