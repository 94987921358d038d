"""What an export holds (gen_src/builder/export_contents.py): a decoder
in float16 with the test images' codes on the plane the widget shows,
or a toy GAN's replay frames as bytes; runs that cannot be exported are
refused naming the run and why. The runs here are built, not trained:
an untrained network exports as a trained one does."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from gen_src import autoencoder, data, gan, loop, toy
from gen_src.builder import export_contents


def ae_run(latent_dim: int = 2, seed: int = 0):
    """An untrained autoencoder as the pipeline loads a run, and its
    record."""
    torch.manual_seed(seed)
    config = autoencoder.config_for("smoke", latent_dim=latent_dim)
    model = autoencoder.build(config)["ae"].eval()
    run = loop.Run(config=config, models={"ae": model}, history={}, metrics={})
    record = {
        "run": f"ae{latent_dim}d",
        "family": "autoencoder",
        "config": {"dataset": "fashion-mnist"},
    }
    return run, record


@pytest.fixture(scope="module")
def decoder_export():
    run, record = ae_run()
    return run, record, export_contents.make_decoder(run, record)


def test_a_decoder_export_holds_float16_layers_and_the_codes(
    decoder_export,
):
    """Dense layers in float16 (ReLU, then the decoder's sigmoid); the
    first 2000 test images' codes in 255 steps of the plane's box and
    their labels; the check against PyTorch on a 16 x 16 grid."""
    run, record, (blocks, extra) = decoder_export
    model = run.models["ae"]
    index = blocks.index
    assert set(index) == {
        "layer0.weight",
        "layer0.bias",
        "layer1.weight",
        "layer1.bias",
        "codes",
        "labels",
    }
    assert index["layer0.weight"] == {
        "dtype": "float16",
        "shape": [400, 2],
        "offset": 0,
    }
    assert index["layer1.weight"]["shape"] == [784, 400]
    assert [layer["activation"] for layer in extra["layers"]] == [
        "relu",
        "sigmoid",
    ]
    assert extra["latent_dim"] == 2 and extra["num_labels"] == 0
    assert extra["image"] == [28, 28]
    assert extra["check"]["points"] == 256
    assert 0 <= extra["check"]["max_abs_error"] <= export_contents.TOLERANCE
    assert len(blocks.bytes()) == blocks.size

    test = data.load("fashion-mnist", "test")
    spec = export_contents.explorer(run, record)
    assert spec.decoder is model.decoder and spec.prior is False
    codes = export_contents.encode(spec, test.images[:2000], None)
    low, high = export_contents._view_box(codes, prior=False)
    assert extra["view"] == {"low": low, "high": high, "prior": False}
    unit = (codes - np.array(low)) / (np.array(high) - np.array(low))
    stored = np.frombuffer(
        blocks.bytes(), np.uint8, 2000 * 2, index["codes"]["offset"]
    ).reshape(2000, 2)
    assert index["codes"]["shape"] == [2000, 2]
    assert np.array_equal(stored, np.rint(unit * 255).astype(np.uint8))
    labels = np.frombuffer(
        blocks.bytes(), np.uint8, 2000, index["labels"]["offset"]
    )
    assert labels.tolist() == test.labels[:2000].tolist()


def test_torch_decode_gives_flat_images_in_the_unit_interval():
    run, record = ae_run()
    spec = export_contents.explorer(run, record)
    z = np.array([[0.0, 0.0], [3.0, -2.0], [-1.0, 0.5]])
    images = export_contents.torch_decode(spec, z)
    assert images.shape == (3, 784) and images.dtype == np.float32
    assert images.min() >= 0 and images.max() <= 1
    with torch.no_grad():
        expected = run.models["ae"].decoder(torch.tensor(z).float())
    assert np.array_equal(images, expected.reshape(3, -1).numpy())


def test_a_vae_s_plane_is_the_prior_s_box_whatever_its_codes():
    codes = np.array([[100.0, -100.0], [0.0, 0.0]])
    assert export_contents._view_box(codes, prior=True) == (
        [-4.0, -4.0],
        [4.0, 4.0],
    )


def test_an_autoencoder_s_plane_is_a_square_around_its_codes():
    """Centred on the codes' box, its half side 0.55 times the longer
    side; codes all at one point get a half side of 1."""
    codes = np.array([[0.0, 0.0], [2.0, 1.0], [1.0, 0.2]])
    low, high = export_contents._view_box(codes, prior=False)
    assert low == pytest.approx([-0.1, -0.6])
    assert high == pytest.approx([2.1, 1.6])
    same = np.array([[3.0, -1.0], [3.0, -1.0]])
    assert export_contents._view_box(same, prior=False) == (
        [2.0, -2.0],
        [4.0, 0.0],
    )


def test_the_check_grid_covers_the_box_first_axis_fastest():
    grid = export_contents._grid([0.0, 10.0], [1.0, 12.0], 3)
    assert grid.tolist() == [
        [0.0, 10.0],
        [0.5, 10.0],
        [1.0, 10.0],
        [0.0, 11.0],
        [0.5, 11.0],
        [1.0, 11.0],
        [0.0, 12.0],
        [0.5, 12.0],
        [1.0, 12.0],
    ]


def test_a_latent_space_that_is_not_a_plane_is_refused():
    run, record = ae_run(latent_dim=3)
    with pytest.raises(export_contents.ExportError) as err:
        export_contents.make_decoder(run, record)
    assert str(err.value) == (
        "run 'ae3d' has a 3-D latent space; the explorer shows a plane (2-D)"
    )


def test_a_layer_the_browser_lacks_is_refused_naming_the_run():
    run, record = ae_run()
    old = run.models["ae"].decoder
    run.models["ae"].decoder = nn.Sequential(old[0], nn.Tanh(), *old[2:])
    with pytest.raises(export_contents.ExportError) as err:
        export_contents.make_decoder(run, record)
    assert str(err.value).startswith("run 'ae2d': the decoder holds a Tanh")


def test_a_float16_decoder_too_far_from_pytorch_is_refused():
    """Steep weights: rounding them to float16 moves the pixels by more
    than the tolerance, and the export says by how much."""
    run, record = ae_run()
    with torch.no_grad():
        for layer in (0, 2):
            run.models["ae"].decoder[layer].weight.mul_(200)
    with pytest.raises(export_contents.ExportError) as err:
        export_contents.make_decoder(run, record)
    message = str(err.value)
    assert message.startswith("run 'ae2d': the float16 decoder is ")
    assert message.endswith(
        f"from PyTorch's (more than {export_contents.TOLERANCE:g})"
    )


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's overflow
def test_a_float16_decoder_that_overflows_is_refused_too():
    """Weights past float16's range give inf, then NaN: an error that
    no comparison with the tolerance would catch."""
    run, record = ae_run()
    with torch.no_grad():
        run.models["ae"].decoder[0].weight.mul_(1e6)
    with pytest.raises(export_contents.ExportError) as err:
        export_contents.make_decoder(run, record)
    assert "the float16 decoder is nan from PyTorch's" in str(err.value)


def replay_run(**tensors):
    config = gan.config_for("smoke", dataset="ring", loss="minimax")
    run = loop.Run(
        config=config, models={}, history={}, metrics={}, tensors=tensors
    )
    record = {
        "run": "toy_ring_mm",
        "config": {"dataset": "ring", "loss": "minimax"},
    }
    return run, record


def test_a_replay_holds_every_frame_as_bytes():
    """Points of [-1.5, 1.5]^2 (the ring's plane) in 255 steps, clipped;
    D's logits as probabilities in 255 steps."""
    points = torch.tensor(
        [
            [[-1.5, 1.5], [0.0, 0.75]],
            [[-9.0, 9.0], [1.5, -1.5]],
            [[0.0, 0.0], [0.0, 0.0]],
        ]
    )
    view = torch.zeros(3, 4, 4)
    view[1] = 20.0
    view[2] = -20.0
    run, record = replay_run(
        replay_steps=torch.tensor([0, 50, 100]),
        replay_points=points,
        replay_view=view,
    )
    blocks, extra = export_contents.make_replay(run, record)

    def block(name):
        spec = blocks.index[name]
        count = int(np.prod(spec["shape"]))
        return np.frombuffer(
            blocks.bytes(), spec["dtype"], count, spec["offset"]
        ).reshape(spec["shape"])

    assert block("steps").dtype == np.uint32
    assert block("steps").tolist() == [0, 50, 100]
    assert block("points").tolist() == [
        [[0, 255], [128, 191]],
        [[0, 255], [255, 0]],
        [[128, 128], [128, 128]],
    ]
    frames = block("view")
    assert frames.shape == (3, 4, 4)
    assert [int(f.min()) for f in frames] == [128, 255, 0]
    assert [int(f.max()) for f in frames] == [128, 255, 0]
    assert extra == {
        "dataset": "ring",
        "method": "minimax",
        "limit": 1.5,
        "modes": toy.modes("ring").tolist(),
        "mode_std": toy.mode_std("ring"),
        "mapping": {"kind": "probability", "low": 0.0, "high": 1.0},
        "frames": 3,
        "grid": 4,
        "points": "points",
        "view": "view",
        "steps": "steps",
    }


def test_a_run_without_a_replay_is_refused_naming_what_it_lacks():
    run, record = replay_run(replay_steps=torch.tensor([0]))
    with pytest.raises(export_contents.ExportError) as err:
        export_contents.make_replay(run, record)
    assert str(err.value) == (
        "run 'toy_ring_mm' recorded no replay (no replay_points, "
        "replay_view): is it a toy GAN run?"
    )
