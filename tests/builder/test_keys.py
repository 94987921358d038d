"""Cache keys (gen_src/builder/keys.py): what changes a run's or a
figure's key and what does not, and the configs kept on disk so that a
warm build imports nothing."""

from __future__ import annotations

import json
import os
import struct

import pytest

from gen_src import gan, vae
from gen_src.builder import cache as cache_mod
from gen_src.builder import keys, registry

TOY = "toy_ring_ns"


@pytest.fixture
def cache(tmp_path):
    return cache_mod.Cache(tmp_path / "cache")


def no_judge():
    raise AssertionError("the judge was asked for")


def _idx(dims: tuple[int, ...], fill: int) -> bytes:
    header = bytes([0, 0, 0x08, len(dims)])
    header += b"".join(struct.pack(">I", d) for d in dims)
    size = 1
    for d in dims:
        size *= d
    return header + bytes([fill]) * size


def tiny_dataset(folder, fill: int):
    """Fashion-MNIST's four files with 3 train and 2 test images."""
    raw = folder / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, n in (("train", 3), ("t10k", 2)):
        images = _idx((n, 28, 28), fill)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(images)
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(_idx((n,), 1))
    return folder


@pytest.fixture(autouse=True)
def dataset(tmp_path, monkeypatch):
    """A tiny Fashion-MNIST: the real one's fingerprint hashes 30 MB."""
    folder = tiny_dataset(tmp_path / "data", 0)
    monkeypatch.setenv("GEN_DATA_DIR", str(folder))
    return folder


# -- family and reads_images --------------------------------------------


def test_family_is_the_module_that_trains_the_run():
    assert keys.family(TOY) is gan
    assert keys.family("vae2d") is vae


def test_family_of_an_unknown_run_is_a_key_error():
    with pytest.raises(KeyError, match="no_such_run"):
        keys.family("no_such_run")


@pytest.mark.parametrize(
    "config, reads",
    [
        ({"dataset": "fashion-mnist"}, True),
        ({"dataset": "mnist"}, True),
        ({"dataset": "ring"}, False),
        ({"dataset": "grid"}, False),
        ({}, False),
    ],
)
def test_only_the_image_datasets_are_read(config, reads):
    assert keys.reads_images(config) is reads


# -- source keys --------------------------------------------------------


def test_a_source_key_is_the_same_in_every_process_and_cache(cache, tmp_path):
    """Computed from the files: another Keys, on another cache, gives
    the same key; the run's name and the profile are part of it."""
    other = keys.Keys(cache_mod.Cache(tmp_path / "other"))
    key = keys.Keys(cache).source_key(TOY, "smoke")
    assert other.source_key(TOY, "smoke") == key
    assert len(key) == 20 and int(key, 16) >= 0
    assert other.source_key("toy_grid_ns", "smoke") != key  # same module
    assert other.source_key(TOY, "quick") != key


def test_a_touched_file_with_the_same_bytes_keeps_the_key(cache, package):
    """A checkout or a save without changes moves the modification time
    only: the key, made of the bytes, stays."""
    made = keys.Keys(cache)
    before = made.source_key(TOY, "smoke")
    path = package / "gan.py"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    registry.rescan()
    assert made.source_key(TOY, "smoke") == before
    assert keys.Keys(cache).source_key(TOY, "smoke") == before


def test_an_edit_is_seen_at_the_next_generation_only(cache, package):
    """Within one build (one generation of the registry) the files are
    looked at once; the next build sees the edit."""
    made = keys.Keys(cache)
    before = made.source_key(TOY, "smoke")
    with open(package / "gan.py", "a") as f:
        f.write("\n# an edit\n")
    assert made.source_key(TOY, "smoke") == before
    registry.rescan()
    assert made.source_key(TOY, "smoke") != before


# -- configs ------------------------------------------------------------


def test_a_config_is_kept_on_disk_as_json_under_its_source_key(cache):
    """The file is named after the run, the profile and the source key;
    what comes back is what JSON gives (lists, not tuples)."""
    made = keys.Keys(cache)
    config = made.config(TOY, "smoke")
    key = made.source_key(TOY, "smoke")
    path = cache.root / "configs" / f"{TOY}-smoke-{key}.json"
    assert json.loads(path.read_text()) == config
    assert config["dataset"] == "ring"
    assert config["hidden"] == [128, 128, 128]  # a tuple in GANConfig
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_warm_cache_gives_the_config_without_the_family(cache, monkeypatch):
    first = keys.Keys(cache).config(TOY, "smoke")

    def must_not_import(name):
        raise AssertionError(f"imported the family of {name}")

    monkeypatch.setattr(keys, "family", must_not_import)
    assert keys.Keys(cache).config(TOY, "smoke") == first


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]", ""])
def test_a_damaged_config_file_is_made_again(cache, damage):
    """Half-written, or JSON that is not a config: the family makes it
    again and the file is rewritten."""
    made = keys.Keys(cache)
    key = made.source_key(TOY, "smoke")
    path = cache.root / "configs" / f"{TOY}-smoke-{key}.json"
    path.parent.mkdir(parents=True)
    path.write_text(damage)
    config = made.config(TOY, "smoke")
    assert config["dataset"] == "ring"
    assert json.loads(path.read_text()) == config


# -- run keys -----------------------------------------------------------


def test_a_toy_run_needs_neither_the_dataset_nor_the_judge(
    cache, tmp_path, monkeypatch
):
    """Two different image datasets: a 2-D run's key stays; nobody asks
    for the judge, scored as the run is."""
    assert registry.runs()[TOY].scored
    monkeypatch.setenv("GEN_DATA_DIR", str(tiny_dataset(tmp_path / "a", 5)))
    key = keys.Keys(cache).run_key(TOY, "smoke", no_judge)
    monkeypatch.setenv("GEN_DATA_DIR", str(tiny_dataset(tmp_path / "b", 9)))
    assert keys.Keys(cache).run_key(TOY, "smoke", no_judge) == key


def test_an_image_run_follows_the_dataset_and_its_judge(
    cache, tmp_path, monkeypatch
):
    """vae is scored on images: its key changes with the dataset's
    bytes and with the judge's key, and without a judge it is another
    key again."""
    monkeypatch.setenv("GEN_DATA_DIR", str(tiny_dataset(tmp_path / "a", 5)))
    on_a = keys.Keys(cache).run_key("vae", "smoke", lambda: "judge-1")
    again = keys.Keys(cache).run_key("vae", "smoke", lambda: "judge-1")
    other_judge = keys.Keys(cache).run_key("vae", "smoke", lambda: "judge-2")
    unjudged = keys.Keys(cache).run_key("vae", "smoke")
    monkeypatch.setenv("GEN_DATA_DIR", str(tiny_dataset(tmp_path / "b", 9)))
    on_b = keys.Keys(cache).run_key("vae", "smoke", lambda: "judge-1")
    assert again == on_a
    assert len({on_a, other_judge, unjudged, on_b}) == 4


def test_an_unscored_image_run_does_not_ask_for_the_judge(cache):
    """The classifier reads images but is the judge itself."""
    assert not registry.runs()["classifier"].scored
    made = keys.Keys(cache)
    assert made.run_key("classifier", "smoke", no_judge) == made.run_key(
        "classifier", "smoke"
    )


def test_the_judge_is_asked_once_per_generation(cache):
    asked: list[str] = []

    def judge():
        asked.append("judge")
        return "judge-key"

    made = keys.Keys(cache)
    first = made.run_key("vae", "smoke", judge)
    assert made.run_key("vae", "smoke", judge) == first
    assert asked == ["judge"]
    registry.rescan()
    assert made.run_key("vae", "smoke", judge) == first
    assert asked == ["judge", "judge"]


# -- figure keys --------------------------------------------------------


def test_a_figure_key_follows_its_runs_keys_in_order(cache):
    made = keys.Keys(cache)
    key = made.figure_key("gan_order_compare", ["a", "b"])
    assert made.figure_key("gan_order_compare", ["a", "b"]) == key
    assert made.figure_key("gan_order_compare", ["b", "a"]) != key
    assert made.figure_key("gan_order_compare", ["a", "c"]) != key
    assert made.figure_key("gan_ring_training", ["a", "b"]) != key


def test_a_figure_key_follows_its_plot_modules_source(cache, package):
    """An edit to plots/evaluation.py changes that module's figures'
    keys, not those of another plot module."""
    made = keys.Keys(cache)
    before = {
        name: made.figure_key(name, ["k"])
        for name in ("iwae_bound", "gan_ring_training")
    }
    with open(package / "plots" / "evaluation.py", "a") as f:
        f.write("\n# an edit\n")
    registry.rescan()
    assert made.figure_key("iwae_bound", ["k"]) != before["iwae_bound"]
    assert (
        made.figure_key("gan_ring_training", ["k"])
        == before["gan_ring_training"]
    )


def test_an_unknown_figure_has_no_key(cache):
    with pytest.raises(registry.UnknownFigureError, match="no_such"):
        keys.Keys(cache).figure_key("no_such", [])


# -- _write_json --------------------------------------------------------


def test_write_json_gives_back_what_a_reader_will_see(tmp_path):
    """Folders are made; the value comes back as JSON reads it; no
    temporary file is left; a second write replaces the first."""
    path = tmp_path / "a" / "b" / "c.json"
    value = keys._write_json(path, {"betas": (0.5, 0.9), "n": 1})
    assert value == {"betas": [0.5, 0.9], "n": 1}
    assert json.loads(path.read_text()) == value
    keys._write_json(path, {"n": 2})
    assert json.loads(path.read_text()) == {"n": 2}
    assert [p.name for p in path.parent.iterdir()] == ["c.json"]
