"""Class-conditional latent flow with classifier-free guidance
(gen_src/guided_flow.py): the guided field mixes the network's two
predictions, labels are dropped in training, and a negative guidance
scale is refused."""

from __future__ import annotations

import pytest
import torch

from gen_src import guided_flow, vae


@pytest.fixture(scope="module")
def run():
    autoencoder = vae.train(vae.config_for("smoke", iwae_samples=0))
    config = guided_flow.config_for("smoke")
    return guided_flow.train(
        config, device="cpu", progress=False, upstream=autoencoder
    )


def test_the_guided_field_mixes_the_two_predictions(run):
    model = run.models["velocity"]
    z = torch.randn(6, run.config.latent_dim)
    t = torch.rand(6)
    y = torch.arange(6)
    with torch.no_grad():
        free, labelled = model(z, t), model(z, t, y)
        assert torch.allclose(guided_flow.guided(model, y, 0.0)(z, t), free)
        assert torch.allclose(
            guided_flow.guided(model, y, 1.0)(z, t), labelled, atol=1e-6
        )
        w3 = guided_flow.guided(model, y, 3.0)(z, t)
    assert torch.allclose(w3, free + 3 * (labelled - free), atol=1e-5)
    # the "no label" token is the unconditional prediction
    none = torch.full((6,), guided_flow.NUM_CLASSES)
    with torch.no_grad():
        assert torch.equal(model(z, t, none), free)


def test_labels_are_dropped_at_the_configured_rate():
    config = guided_flow.config_for("smoke", label_dropout=0.25)
    seen = []

    class Recorder(torch.nn.Module):
        def forward(self, z, t, y):
            seen.append(y.clone())
            return torch.zeros_like(z)

    torch.manual_seed(0)
    y = torch.zeros(40_000, dtype=torch.long)
    guided_flow.loss(config)(Recorder(), torch.randn(40_000, 3), y)
    dropped = (seen[0] == guided_flow.NUM_CLASSES).float().mean().item()
    assert dropped == pytest.approx(0.25, abs=0.01)


def test_scores_are_given_for_every_guidance_scale(run):
    from gen_src import classifier

    judge = classifier.train(classifier.config_for("smoke"), progress=False)
    scores = guided_flow.score(run, judge)
    for w in run.config.guidance:
        accuracy = scores[f"guidance_{w:g}_class_accuracy"]
        assert 0 <= accuracy <= 1
        assert scores[f"guidance_{w:g}_frechet"] >= 0
    assert run.metrics["evaluations"] == 2 * (2 * run.config.sample_steps - 1)


def test_the_same_noise_makes_each_class_at_every_scale(run):
    labels = torch.tensor([0, 5, 9])
    a = guided_flow.sample(run, labels, 0.0, seed=4)
    b = guided_flow.sample(run, labels, 0.0, seed=4)
    assert a.shape == (3, 1, 28, 28) and torch.equal(a, b)


@pytest.mark.parametrize("w", [-0.5, float("nan")])
def test_a_negative_guidance_scale_is_refused(run, w):
    with pytest.raises(ValueError, match="guidance"):
        guided_flow.config_for("smoke", guidance=(1.0, w))
    with pytest.raises(ValueError, match="guidance=.* at least 0"):
        guided_flow.guided(run.models["velocity"], torch.arange(2), w)
