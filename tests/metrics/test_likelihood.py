"""gen_src.metrics.likelihood: the importance-weighted bound of log p(x)."""

from __future__ import annotations

import math

import pytest
import torch

from gen_src import vae
from gen_src.metrics import likelihood


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return vae.VAE(vae.config_for("smoke"))


@pytest.fixture(scope="module")
def images():
    gen = torch.Generator().manual_seed(1)
    return torch.rand(20, 1, 28, 28, generator=gen)


def test_the_bound_with_one_sample_is_the_elbo(model, images):
    # L_1 averaged over many draws is E_q[log p(x|z)] - KL(q || p)
    with torch.no_grad():
        mu, logvar = model.encoder(images.flatten(1))
        kl = vae.kl_divergence(mu, logvar)
    w = likelihood.log_weights(
        model, images, 4000, torch.Generator().manual_seed(2)
    )
    recon = torch.stack(
        [
            -vae.reconstruction_nll(
                model.decoder(vae.reparameterize(mu, logvar, gen)),
                images.flatten(1),
            )
            for gen in [torch.Generator().manual_seed(s) for s in range(200)]
        ]
    ).mean(0)
    elbo = (recon - kl).mean().item()
    assert w.mean().item() == pytest.approx(elbo, abs=0.05 * abs(elbo))


def test_the_bound_rises_with_k(model, images):
    bounds = likelihood.iwae_bounds(model, images, ks=(1, 10, 100, 1000))
    values = [bounds[k] for k in (1, 10, 100, 1000)]
    # in expectation L_k rises with k; the estimates, within their noise
    assert all(b >= a - 0.05 for a, b in zip(values, values[1:]))
    assert values[-1] - values[0] > 1.0  # nats: an untrained q is loose


def test_equal_weights_give_the_weight_itself(monkeypatch, model, images):
    monkeypatch.setattr(
        likelihood,
        "log_weights",
        lambda m, x, k, gen: torch.full((len(x), k), -3.0),
    )
    bounds = likelihood.iwae_bounds(model, images, ks=(1, 7, 50))
    assert bounds == pytest.approx({1: -3.0, 7: -3.0, 50: -3.0})


def test_chunks_draw_every_sample(model, images):
    w = likelihood.log_weights(
        model, images[:3], 250, torch.Generator().manual_seed(0), chunk=100
    )
    assert w.shape == (3, 250)
    assert torch.isfinite(w).all()
    assert len(torch.unique(w[0])) == 250  # no chunk repeated


def test_log_k_is_subtracted(model, images):
    bounds = likelihood.iwae_bounds(model, images[:1], ks=(1, 2))
    w = likelihood.log_weights(
        model, images[:1], 2, torch.Generator().manual_seed(0)
    ).double()
    expected = (torch.logsumexp(w, dim=1) - math.log(2)).item()
    assert bounds[2] == pytest.approx(expected, rel=1e-9)
    assert bounds[1] == pytest.approx(w.mean().item(), rel=1e-9)  # 2 groups
