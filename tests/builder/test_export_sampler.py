"""Sampler exports (gen_src/builder/export_sampler.py): the network of a
diffusion or flow matching run in float32, its forward pass as the
browser computes it, the still's starting noise, the schedule; and runs
that cannot be exported refused in one line that names the run, what is
missing and the fix."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from gen_src import denoising, diffusion
from gen_src.builder import export, export_contents, export_sampler, pipeline

ROOT = Path(__file__).resolve().parents[2]
SHARED_CACHE = ROOT / ".cache" / "gen_src"


@pytest.fixture(scope="module")
def shared():
    return pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=SHARED_CACHE)
    )


def read(folder: Path) -> tuple[dict, dict]:
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    data = (folder / "data.bin").read_bytes()
    blocks = {}
    for name, block in manifest["blocks"].items():
        dtype = np.dtype(block["dtype"]).newbyteorder("<")
        n = int(np.prod(block["shape"]))
        blocks[name] = np.frombuffer(
            data, dtype, count=n, offset=block["offset"]
        ).reshape(block["shape"])
    return manifest, blocks


@pytest.mark.parametrize(
    "run, samplers",
    [("diffusion_ring", ["ddpm", "ddim"]), ("flow_grid", ["euler", "heun"])],
)
def test_a_sampler_export_holds_the_network_noise_and_schedule(
    shared, run, samplers
):
    result = export.Exporter(shared).export(run, "sampler")
    manifest, blocks = read(result.folder)
    loaded, record = shared.run(run)
    model = next(iter(loaded.models.values()))
    assert manifest["kind"] == "sampler" and manifest["samplers"] == samplers
    # every weight exactly PyTorch's, as float32
    linears = [m for m in model.net if isinstance(m, nn.Linear)]
    assert len(manifest["layers"]) == len(linears)
    for layer, linear in zip(manifest["layers"], linears):
        weight = blocks[layer["weight"]]
        assert weight.dtype == np.float32
        assert np.array_equal(weight, linear.weight.detach().numpy())
    activations = [layer["activation"] for layer in manifest["layers"]]
    assert activations == ["silu"] * (len(linears) - 1) + [None]
    # the forward pass from the file's blocks gives the network's output
    x = torch.randn(64, 2, generator=torch.Generator().manual_seed(3))
    t = torch.rand(64, generator=torch.Generator().manual_seed(4))
    described = [
        {
            "weight": blocks[layer["weight"]],
            "bias": blocks[layer["bias"]],
            "activation": layer["activation"],
        }
        for layer in manifest["layers"]
    ]
    ours = export_sampler.forward(
        blocks["freqs"], described, x.numpy(), t.numpy()
    )
    with torch.no_grad():
        assert np.abs(ours - model(x, t).numpy()).max() < 1e-5
    # the still's noise: the first particles of its paths
    scale = denoising.data_scale(loaded.config.dataset)
    assert manifest["scale"] == pytest.approx(scale)
    assert blocks["noise"].shape == (export_sampler.PARTICLES, 2)
    still = loaded.tensors["paths"][0].numpy()
    assert np.allclose(blocks["noise"][: len(still)] * scale, still)
    assert manifest["sample_steps"] == loaded.config.sample_steps
    assert 1 in manifest["steps"] and 100 in manifest["steps"]
    assert manifest["check"]["max_abs_error"] <= export_sampler.TOLERANCE
    if run.startswith("diffusion"):
        abar = diffusion.alpha_bar(loaded.config.schedule, loaded.config.T)
        assert np.array_equal(blocks["alpha_bar"], abar.numpy())
        bound = denoising.data_bound(loaded.config.dataset)
        assert manifest["clip"] == pytest.approx(bound)
    else:
        assert "alpha_bar" not in blocks and "clip" not in manifest


# -- bad input --------------------------------------------------------------
def fake_run(models, family="diffusion", name="diffusion_ring"):
    config = diffusion.config_for("smoke", dataset="ring")
    loaded = SimpleNamespace(models=models, config=config, tensors={})
    return loaded, {"run": name, "family": family}


def refusal(loaded, record) -> str:
    with pytest.raises(export_contents.ExportError) as err:
        export_sampler.make_sampler(loaded, record)
    message = str(err.value)
    assert "\n" not in message  # one line
    return message


def test_a_run_of_another_family_is_refused_naming_it():
    message = refusal(*fake_run({}, family="gan", name="toy_ring_ns"))
    assert "'toy_ring_ns'" in message and "'gan'" in message
    assert "diffusion, flow_matching" in message


def test_a_run_without_its_network_is_refused_with_the_fix():
    loaded, record = fake_run({"velocity": nn.Linear(2, 2)})
    message = refusal(loaded, record)
    assert "'diffusion_ring'" in message and "'eps'" in message
    assert "['velocity']" in message and ".cache/gen_src/runs" in message


def test_a_network_that_is_no_time_mlp_is_refused():
    message = refusal(*fake_run({"eps": nn.Linear(2, 2)}))
    assert "'diffusion_ring'" in message and "Linear, not a TimeMLP" in message


def test_a_layer_the_browser_lacks_is_refused_naming_it():
    model = denoising.TimeMLP(2, (16,))
    model.net[1] = nn.ReLU()
    message = refusal(*fake_run({"eps": model}))
    assert "holds a ReLU" in message and "gen-nn.js" in message


def test_a_forward_pass_that_strays_from_pytorch_is_refused(monkeypatch):
    real = export_sampler.forward
    monkeypatch.setattr(
        export_sampler,
        "forward",
        lambda *args: real(*args) + 1e-3,
    )
    message = refusal(*fake_run({"eps": denoising.TimeMLP(2, (16,))}))
    assert "'diffusion_ring'" in message and "is 0.001 from" in message
