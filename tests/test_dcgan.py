"""DCGAN: Radford et al.'s guidelines, shapes, configs, training."""

import math

import pytest
import torch
from torch import nn

from gen_src import adversarial, dcgan


def nets(latent_dim=16, channels=8):
    return dcgan.build(
        dcgan.DCGANConfig(latent_dim=latent_dim, channels=channels)
    )


def test_shapes():
    models = nets()
    images = models["G"](torch.randn(3, 16))
    assert images.shape == (3, 1, 28, 28)
    assert images.abs().max() <= 1  # tanh, like the data in [-1, 1]
    assert models["D"](images).shape == (3,)


def test_every_layer_shape():
    g = nets(latent_dim=10, channels=4)["G"]
    x = torch.randn(2, 10)[:, :, None, None]
    shapes = []
    for layer in g.net:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    assert shapes[2] == (8, 7, 7) and shapes[5] == (4, 14, 14)
    assert shapes[-1] == (1, 28, 28)


def test_radford_guidelines():
    models = nets()
    G, D = list(models["G"].net), list(models["D"].net)
    for layers in (G, D):
        kinds = {type(m) for m in layers}
        assert nn.Linear not in kinds  # no fully connected hidden layers
        assert not any("Pool" in k.__name__ for k in kinds)  # strides
        assert nn.BatchNorm2d in kinds
    assert nn.ReLU in {type(m) for m in G}
    assert isinstance(G[-1], nn.Tanh)
    assert not isinstance(G[-2], nn.BatchNorm2d)  # none on G's output
    slopes = {m.negative_slope for m in D if isinstance(m, nn.LeakyReLU)}
    assert slopes == {0.2}
    assert not isinstance(D[1], nn.BatchNorm2d)  # none on D's input
    convs = [
        m for m in G + D if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))
    ]
    assert sum(m.stride == (2, 2) for m in convs) == 4
    # weights drawn from N(0, 0.02)
    std = torch.cat([m.weight.flatten() for m in convs]).std().item()
    assert 0.015 < std < 0.025


@pytest.mark.parametrize(
    "field, value",
    [
        ("num_epochs", 0),
        ("num_epochs", -1),
        ("loss", "hinge"),
        ("latent_dim", 0),
        ("channels", 0),
        ("lr", -1e-3),
        ("dataset", "ring"),
        ("train_size", 0),
    ],
)
def test_invalid_config_names_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        dcgan.DCGANConfig(**{field: value})


def test_profiles():
    with pytest.raises(ValueError, match="profile"):
        dcgan.config_for("tiny")
    smoke, quick, full = (
        dcgan.config_for(p) for p in ("smoke", "quick", "full")
    )
    assert quick.train_size is None or smoke.train_size < quick.train_size
    assert full.train_size is None and full.num_epochs >= quick.num_epochs
    assert dcgan.RUNS["dcgan"]("quick") == quick


def test_smoke_training_uses_the_gan_step(monkeypatch):
    calls = []
    real_make_step = adversarial.make_step

    def spy(*args, **kwargs):
        calls.append(1)
        return real_make_step(*args, **kwargs)

    monkeypatch.setattr(adversarial, "make_step", spy)
    config = dcgan.config_for("smoke")
    run = dcgan.train(config, device="cpu", progress=False)
    assert calls == [1]
    steps = config.train_size // config.batch_size * config.num_epochs
    assert run.metrics["steps"] == steps
    for key in ("d_loss", "g_loss"):
        assert len(run.history[key]) == steps
        assert all(math.isfinite(v) for v in run.history[key])
    assert not run.models["G"].training
    images = adversarial.generate(
        run.models["G"], torch.randn(4, config.latent_dim)
    )
    assert images.shape == (4, 1, 28, 28)


def test_same_seed_same_losses_bit_for_bit():
    config = dcgan.config_for("smoke", train_size=96)
    a = dcgan.train(config, device="cpu", progress=False)
    b = dcgan.train(config, device="cpu", progress=False)
    assert a.history == b.history
