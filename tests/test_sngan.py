"""The GAN with spectral normalisation (gen_src/sngan.py): D's layers are
each 1-Lipschitz, the rest is the GAN's."""

from __future__ import annotations

import pytest
import torch

from gen_src import gan, sngan


def test_every_linear_layer_of_d_has_spectral_norm_1():
    config = sngan.config_for("smoke", dataset="grid")
    D = sngan.build(config)["D"]
    layers = [m for m in D.modules() if isinstance(m, torch.nn.Linear)]
    assert len(layers) == len(config.hidden) + 1
    D.train()
    for _ in range(30):  # power iteration converges as D is called
        D(torch.randn(64, 2))
    for layer in layers:
        sigma = torch.linalg.matrix_norm(layer.weight.detach(), ord=2)
        assert sigma.item() == pytest.approx(1.0, abs=0.05)


def test_g_is_the_gans_and_the_method_says_sn():
    config = sngan.config_for("smoke", g_ema=0.99)
    assert config.method == "nonsaturating-sn"
    plain = gan.build(config)["G"]
    mine = sngan.build(config)["G"]
    assert [p.shape for p in plain.parameters()] == [
        p.shape for p in mine.parameters()
    ]


def test_it_trains_and_is_scored_on_the_toy_data():
    run = sngan.train(
        sngan.config_for("smoke", num_steps=10), device="cpu", progress=False
    )
    scores = sngan.score(run)
    assert run.metrics["steps"] == 10 and scores["num_modes"] == 8
    assert sngan.STACKS is False  # its seeds train one at a time


def test_images_are_refused_by_name():
    with pytest.raises(ValueError, match="dataset='fashion-mnist'"):
        sngan.config_for("smoke", dataset="fashion-mnist")
