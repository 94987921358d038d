"""Flow matching in the VAE's latent space (gen_src/latent_flow.py): it
keeps the VAE it builds on, learns the codes of real images, and is
scored beside the VAE's own prior samples through the same decoder."""

from __future__ import annotations

import pytest
import torch

from gen_src import latent_flow, vae


@pytest.fixture(scope="module")
def runs():
    autoencoder = vae.train(vae.config_for("smoke", iwae_samples=0))
    config = latent_flow.config_for("smoke")
    return autoencoder, latent_flow.train(
        config, device="cpu", progress=False, upstream=autoencoder
    )


def test_it_keeps_the_vae_it_builds_on(runs):
    autoencoder, run = runs
    theirs = autoencoder.models["vae"].state_dict()
    for name, weight in run.models["vae"].state_dict().items():
        assert torch.equal(weight, theirs[name]), name


def test_the_flow_learns_standardised_codes(runs):
    autoencoder, run = runs
    images = latent_flow.data.load("fashion-mnist", "train").images
    codes = latent_flow.codes(autoencoder.models["vae"], images[:1024])
    velocity = run.models["velocity"]
    assert torch.allclose(velocity.mean, codes.mean(0), atol=1e-5)
    assert torch.allclose(velocity.std, codes.std(0), atol=1e-5)
    assert run.metrics["steps"] == run.config.num_steps > 0
    assert run.metrics["evaluations"] == 2 * run.config.sample_steps - 1
    weights = sum(p.numel() for p in velocity.net.parameters())
    assert run.metrics["parameters"] == weights  # the buffers are not


def test_samples_are_images_and_the_chain_ends_at_them(runs):
    _, run = runs
    images = latent_flow.sample(run, 6, seed=3)
    assert images.shape == (6, 1, 28, 28)
    assert 0 <= images.min() and images.max() <= 1
    chain = latent_flow.sample(run, 6, seed=3, path=True)
    assert chain.shape == (run.config.sample_steps + 1, 6, 1, 28, 28)
    assert torch.allclose(chain[-1], images, atol=1e-6)


def test_scores_set_the_flow_beside_the_vaes_prior(runs):
    from gen_src import classifier

    _, run = runs
    judge = classifier.train(classifier.config_for("smoke"), progress=False)
    scores = latent_flow.score(run, judge)
    for key in ("frechet", "precision", "recall"):
        assert scores[key] >= 0 and scores[f"prior_{key}"] >= 0
    assert scores["frechet_samples"] == run.config.num_samples
    assert scores["frechet"] != scores["prior_frechet"]
    assert scores["reconstructed_frechet"] >= 0


def test_a_vae_of_another_size_is_refused(runs):
    autoencoder, _ = runs
    config = latent_flow.config_for("smoke", latent_dim=2)
    with pytest.raises(ValueError, match="latent_dim=2 .*set latent_dim=20"):
        latent_flow.train(config, upstream=autoencoder, progress=False)


def test_training_repeats_whatever_ran_before(runs):
    """The seed is set before the networks are built: a run trained
    after other work in the same process (an upstream VAE trained just
    before, in a shard) has the same weights as one trained first."""
    autoencoder, run = runs
    torch.randn(1000)  # other work moves the global generator
    again = latent_flow.train(
        run.config, device="cpu", progress=False, upstream=autoencoder
    )
    for name, weight in run.models["velocity"].state_dict().items():
        assert torch.equal(weight, again.models["velocity"].state_dict()[name])
