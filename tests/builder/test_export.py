"""Exports for the live figures (gen_src/builder/export.py): what they
hold, that they decode as PyTorch does, that a warm build makes none,
and that a damaged one is made again."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import pytest
import torch

from gen_src.builder import (
    export,
    export_contents,
    float16_rounding,
    pipeline,
)
from gen_src.plots import common as stills

ROOT = Path(__file__).resolve().parents[2]
SHARED_CACHE = ROOT / ".cache" / "gen_src"  # the suite's smoke entries


@pytest.fixture(scope="module")
def shared():
    """The suite's pipeline: smoke runs, trained once for every test."""
    return pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=SHARED_CACHE)
    )


@pytest.fixture
def pipe(tmp_path, shared, monkeypatch):
    """A pipeline with an empty cache of its own that borrows the shared
    runs: exports made here start cold and stay in tmp_path."""
    own = pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=tmp_path / "cache")
    )
    monkeypatch.setattr(own, "run", shared.run)
    monkeypatch.setattr(own, "located_key", shared.located_key)
    return own


def manifest_of(result: export.Export) -> dict:
    return json.loads((result.folder / "manifest.json").read_text("utf-8"))


def blocks_of(manifest: dict, data: bytes) -> dict[str, np.ndarray]:
    out = {}
    for name, block in manifest["blocks"].items():
        dtype = np.dtype(block["dtype"]).newbyteorder("<")
        n = int(np.prod(block["shape"]))
        out[name] = np.frombuffer(
            data, dtype, count=n, offset=block["offset"]
        ).reshape(block["shape"])
    return out


def fixed_points(manifest: dict, n: int = 24) -> np.ndarray:
    """n latent points over the widget's plane, fixed."""
    low = np.array(manifest["view"]["low"])
    high = np.array(manifest["view"]["high"])
    u = np.random.default_rng(14).uniform(0, 1, (n, 2))
    return low + u * (high - low)


@pytest.mark.parametrize("run", ["vae2d", "ae2d", "cvae2d"])
def test_a_decoder_export_holds_float16_weights_that_decode_as_pytorch(
    pipe, shared, run
):
    result = export.Exporter(pipe).export(run, "decoder")
    manifest = manifest_of(result)
    data = (result.folder / "data.bin").read_bytes()
    assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["bytes"] == len(data)
    assert manifest["file"] == f"{result.stem}.bin"
    assert manifest["record"]["run"] == run
    assert "history" not in manifest["record"]
    blocks = blocks_of(manifest, data)
    layers = [
        {
            "weight": blocks[layer["weight"]].astype(np.float64),
            "bias": blocks[layer["bias"]].astype(np.float64),
            "activation": layer["activation"],
        }
        for layer in manifest["layers"]
    ]
    assert [layer["activation"] for layer in layers] == ["relu", "sigmoid"]
    assert all(
        manifest["blocks"][name]["dtype"] == "float16"
        for layer in manifest["layers"]
        for name in (layer["weight"], layer["bias"])
    )
    z = fixed_points(manifest)
    labels = np.arange(len(z)) % 10 if manifest["num_labels"] else None
    ours = float16_rounding.decode_float16(
        layers, z, labels, manifest["num_labels"]
    )
    loaded, record = shared.run(run)
    theirs = export_contents.torch_decode(
        export_contents.explorer(loaded, record), z, labels
    )
    assert ours.shape == (len(z), 784)
    assert np.abs(ours - theirs).max() <= export_contents.TOLERANCE
    codes, classes = blocks["codes"], blocks["labels"]
    assert codes.dtype == np.uint8 and codes.shape[1] == 2
    assert len(codes) == len(classes)
    assert set(np.unique(classes)) <= set(range(10))
    # back from bytes: within half a step of the encoded test images
    from gen_src import data

    test = data.load("fashion-mnist", "test")
    n = len(codes)
    exact = export_contents.encode(
        export_contents.explorer(loaded, record),
        test.images[:n],
        test.labels[:n],
    )
    low = np.array(manifest["view"]["low"])
    high = np.array(manifest["view"]["high"])
    back = low + codes / 255 * (high - low)
    step = (high - low) / 255
    assert np.all(np.abs(back - exact.clip(low, high)) <= step / 2 + 1e-6)
    assert list(classes) == test.labels[:n].tolist()


def test_the_script_holds_the_same_manifest_and_bytes(pipe):
    result = export.Exporter(pipe).export("vae2d", "decoder")
    text = (result.folder / "data.js").read_text("utf-8")
    prefix = (
        "(window.genExplorerData=window.genExplorerData||{})"
        f'["{result.stem}"]='
    )
    assert text.startswith(prefix)
    body = text[len(prefix) :].rstrip().rstrip(";")
    manifest_text = body[len("{manifest:") : body.index(',data:"')]
    assert json.loads(manifest_text) == manifest_of(result)
    encoded = body[body.index(',data:"') + len(',data:"') : -2]
    assert (
        base64.b64decode(encoded) == (result.folder / "data.bin").read_bytes()
    )


def test_a_replay_export_holds_every_frame(pipe, shared):
    result = export.Exporter(pipe).export("toy_ring_k3_mm", "replay")
    manifest = manifest_of(result)
    data = (result.folder / "data.bin").read_bytes()
    blocks = blocks_of(manifest, data)
    run, _ = shared.run("toy_ring_k3_mm")
    frames = len(run.tensors["replay_steps"])
    assert manifest["frames"] == frames
    assert blocks["points"].shape == (frames, 500, 2)
    assert blocks["view"].shape == (frames, 48, 48)
    assert list(blocks["steps"]) == run.tensors["replay_steps"].tolist()
    assert manifest["mapping"]["kind"] == "probability"  # minimax: a logit
    # the points, back from bytes, within half a step of the recorded ones
    limit = manifest["limit"]
    back = blocks["points"] / 255 * 2 * limit - limit
    recorded = run.tensors["replay_points"].numpy().clip(-limit, limit)
    assert np.abs(back - recorded).max() <= limit / 255 + 1e-6
    view = torch.sigmoid(run.tensors["replay_view"]).numpy()
    assert np.abs(blocks["view"] / 255 - view).max() <= 0.5 / 255 + 1e-6


def test_a_critics_score_is_rescaled_not_squashed():
    view = torch.linspace(-30, 70, 101).view(1, 1, 101)
    unit, mapping = stills.replay_unit("wgan-gp", view)
    assert mapping["kind"] == "score" and mapping["low"] < mapping["high"]
    assert unit.min() == 0 and unit.max() == 1
    assert 0.2 < unit[0, 0, 50].item() < 0.8  # not a sigmoid's 1.0
    unit, mapping = stills.replay_unit("nonsaturating", view)
    assert mapping == {"kind": "probability", "low": 0.0, "high": 1.0}


def test_a_warm_build_exports_nothing(pipe, tmp_path, monkeypatch):
    first = export.Exporter(pipe).build()
    assert all(isinstance(r, export.Export) for r in first.values()), first
    assert all(r.made for r in first.values())
    # A new process on the same cache: no run is even loaded.
    again = pipeline.Pipeline(pipe.settings)
    monkeypatch.setattr(again, "located_key", pipe.located_key)
    monkeypatch.setattr(again, "run", _must_not_load)
    second = export.Exporter(again).build()
    assert set(second) == set(first)
    assert not any(r.made for r in second.values())
    assert {r.stem for r in second.values()} == {
        r.stem for r in first.values()
    }
    # and within one process (static-i18n: once per language), the memo
    exporter = export.Exporter(again)
    exporter.build()
    assert not any(r.made for r in exporter.build().values())


def _must_not_load(name):
    raise AssertionError(f"a warm build loaded run {name}")


def test_a_damaged_export_is_made_again(pipe, caplog):
    result = export.Exporter(pipe).export("ae2d", "decoder")
    data = result.folder / "data.bin"
    damaged = bytearray(data.read_bytes())
    damaged[100] ^= 0xFF
    data.write_bytes(bytes(damaged))
    with caplog.at_level(logging.WARNING, logger="gen_src.export"):
        again = export.Exporter(pipe).export("ae2d", "decoder")
    assert again.made
    assert "damaged" in caplog.text and "ae2d" in caplog.text
    manifest = manifest_of(again)
    fresh = (again.folder / "data.bin").read_bytes()
    assert hashlib.sha256(fresh).hexdigest() == manifest["sha256"]


def test_the_key_follows_the_run_and_the_export_code(pipe, monkeypatch):
    key = export.export_key(pipe, "vae2d", "decoder")
    assert key == export.export_key(pipe, "vae2d", "decoder")
    assert key != export.export_key(pipe, "ae2d", "decoder")
    monkeypatch.setattr(pipe, "located_key", lambda run: "smoke:other")
    assert key != export.export_key(pipe, "vae2d", "decoder")


def test_a_family_without_an_explorer_is_refused_naming_its_file(shared):
    loaded, record = shared.run("toy_ring_k3_mm")
    with pytest.raises(export_contents.ExportError) as err:
        export_contents.make_decoder(loaded, record)
    assert "gen_src/gan.py" in str(err.value)
    assert "explorer(run)" in str(err.value)
