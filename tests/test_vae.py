"""The VAE: shapes, the loss and its parts, configs, training, score."""

from __future__ import annotations

import math
import types

import pytest
import torch
from torch.distributions import Normal
from torch.distributions import kl_divergence as torch_kl

from gen_src import classifier, loop, vae


@pytest.fixture(scope="module")
def smoke_run():
    return vae.train(vae.config_for("smoke"), device="cpu", progress=False)


def test_shapes():
    model = vae.VAE(vae.VAEConfig(latent_dim=5, hidden_dim=32))
    x = torch.rand(4, 1, 28, 28)
    logits, mu, logvar = model(x)
    assert logits.shape == x.shape
    assert mu.shape == logvar.shape == (4, 5)
    images = model.decode(torch.randn(3, 5))
    assert images.shape == (3, 1, 28, 28)
    assert 0 <= images.min() and images.max() <= 1
    assert vae.sample(model, 6).shape == (6, 1, 28, 28)
    assert set(vae.build(vae.VAEConfig())) == {"vae"}


def test_closed_form_kl_matches_torch_and_is_zero_at_the_prior():
    gen = torch.Generator().manual_seed(0)
    mu, logvar = (
        torch.randn(6, 4, generator=gen),
        torch.randn(6, 4, generator=gen),
    )
    ours = vae.kl_divergence(mu, logvar)
    q = Normal(mu, torch.exp(0.5 * logvar))
    theirs = torch_kl(q, Normal(0.0, 1.0)).sum(1)
    assert torch.allclose(ours, theirs, atol=1e-5)
    assert (
        vae.kl_divergence(torch.zeros(2, 3), torch.zeros(2, 3)).abs().max()
        == 0
    )
    assert (ours > 0).all()


def test_closed_form_kl_matches_a_monte_carlo_estimate():
    gen = torch.Generator().manual_seed(1)
    mu = torch.tensor([[0.0, 0.0], [1.0, -2.0], [0.3, 0.5]])
    logvar = torch.tensor([[0.0, 0.0], [-1.0, 0.5], [-2.0, 1.0]])
    draws = 200_000
    z = vae.reparameterize(
        mu.expand(draws, 3, 2), logvar.expand(draws, 3, 2), gen
    )
    log_ratio = (
        Normal(mu, torch.exp(0.5 * logvar)).log_prob(z)
        - Normal(0.0, 1.0).log_prob(z)
    ).sum(-1)  # (draws, 3)
    mc = log_ratio.mean(0)
    stderr = log_ratio.std(0) / math.sqrt(draws)
    exact = vae.kl_divergence(mu, logvar)
    assert ((mc - exact).abs() <= 4 * stderr + 1e-6).all(), (mc, exact)


def test_reparameterize_is_differentiable_and_has_the_right_moments():
    mu = torch.full((50_000,), 1.5, requires_grad=True)
    logvar = torch.full((50_000,), math.log(0.25), requires_grad=True)
    gen = torch.Generator().manual_seed(2)
    z = vae.reparameterize(mu, logvar, gen)
    assert abs(z.mean().item() - 1.5) < 0.01
    assert abs(z.std().item() - 0.5) < 0.01
    z.sum().backward()
    assert torch.equal(mu.grad, torch.ones_like(mu))
    assert logvar.grad.abs().sum() > 0
    again = vae.reparameterize(mu, logvar, torch.Generator().manual_seed(2))
    assert torch.equal(z, again)


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0, 4.0])
def test_loss_is_recon_plus_beta_kl(beta):
    gen = torch.Generator().manual_seed(3)
    x = torch.rand(5, 1, 28, 28, generator=gen).round()
    logits = torch.randn(5, 1, 28, 28, generator=gen)
    mu, logvar = (
        torch.randn(5, 3, generator=gen),
        torch.randn(5, 3, generator=gen),
    )
    loss = vae.vae_loss(logits, x, mu, logvar, beta=beta)
    assert torch.allclose(loss.total, loss.recon + beta * loss.kl)
    p = torch.sigmoid(logits)
    bce = -(x * p.log() + (1 - x) * (1 - p).log()).flatten(1).sum(1).mean()
    assert torch.allclose(loss.recon, bce, rtol=1e-4)
    assert torch.allclose(loss.kl, vae.kl_divergence(mu, logvar).mean())


def test_gaussian_likelihood_is_a_true_negative_log_density():
    gen = torch.Generator().manual_seed(4)
    x = torch.rand(3, 1, 28, 28, generator=gen)
    logits = torch.randn(3, 1, 28, 28, generator=gen)
    nll = vae.reconstruction_nll(logits, x, "gaussian", decoder_std=0.2)
    expected = (
        -Normal(torch.sigmoid(logits), 0.2).log_prob(x).flatten(1).sum(1)
    )
    assert torch.allclose(nll, expected, rtol=1e-4)
    with pytest.raises(ValueError, match="likelihood='poisson'"):
        vae.reconstruction_nll(logits, x, "poisson")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(num_epochs=0), "num_epochs"),
        (dict(num_epochs=-2), "num_epochs"),
        (dict(latent_dim=0), "latent_dim"),
        (dict(likelihood="poisson"), "likelihood"),
        (dict(beta=-1.0), "beta"),
        (dict(lr=0.0), "lr"),
        (dict(batch_size=0), "batch_size"),
        (dict(train_size=0), "train_size"),
        (dict(test_size=-5), "test_size"),
        (dict(decoder_std=0.0), "decoder_std"),
        (dict(hidden_dim=0), "hidden_dim"),
    ],
)
def test_invalid_config_names_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}="):
        vae.VAEConfig(**kwargs)


def test_config_for_profiles_and_runs():
    assert vae.config_for("quick").num_epochs == 3
    assert (
        vae.config_for("full").num_epochs > vae.config_for("quick").num_epochs
    )
    assert vae.config_for("smoke").train_size is not None
    assert vae.config_for("quick", latent_dim=7).latent_dim == 7
    assert vae.RUNS["vae2d"]("smoke").latent_dim == 2
    assert vae.RUNS["vae"]("smoke").latent_dim == 20
    with pytest.raises(ValueError, match="profile='fast'"):
        vae.config_for("fast")


def test_train_returns_a_complete_run(smoke_run):
    run = smoke_run
    assert isinstance(run, loop.Run)
    model = run.models["vae"]
    assert not model.training
    assert next(model.parameters()).device.type == "cpu"
    steps = run.config.train_size // run.config.batch_size
    for key in ("loss", "recon", "kl"):
        assert len(run.history[key]) == steps * run.config.num_epochs
    for key in ("test_nelbo", "test_recon", "test_kl"):
        assert len(run.history[key]) == run.config.num_epochs
        assert run.metrics[key] == run.history[key][-1]
    m = run.metrics
    assert m["test_nelbo"] == pytest.approx(m["test_recon"] + m["test_kl"])
    # an untrained Bernoulli decoder costs 784 * log 2 = 543 nats
    assert 0 < m["test_nelbo"] < 784 * math.log(2)
    assert run.device.startswith("CPU")


def test_training_lowers_the_loss(smoke_run):
    loss = smoke_run.history["loss"]
    assert sum(loss[-3:]) / 3 < sum(loss[:3]) / 3


def test_evaluate_is_repeatable(smoke_run):
    x = torch.rand(64, 1, 28, 28).round()
    a = vae.evaluate(smoke_run.models["vae"], x, smoke_run.config)
    b = vae.evaluate(smoke_run.models["vae"], x, smoke_run.config)
    assert a == b


def test_train_shows_progress(capsys):
    vae.train(
        vae.config_for("smoke", train_size=256, test_size=64), device="cpu"
    )
    assert "[vae] step 2/2" in capsys.readouterr().err


def test_score_gives_frechet_distance_and_its_floor(smoke_run):
    judge = classifier.train(
        classifier.config_for("smoke"), device="cpu", progress=False
    )
    scores = vae.score(smoke_run, judge)
    assert set(scores) == {
        "frechet",
        "frechet_floor",
        "frechet_samples",
        "precision",
        "recall",
        "coverage",
        "radius_ratio",
        "pr_samples",
        "iwae_k1",
        "iwae_k10",
        "iwae_k100",  # smoke: up to iwae_samples = 100
        "iwae_largest_k",
        "iwae_gap",
    }
    assert scores["frechet"] > scores["frechet_floor"] >= 0
    assert 0 <= scores["precision"] <= 1 and 0 <= scores["recall"] <= 1
    # the bound tightens with k, and stays below 0 nats (binary-ish data)
    assert scores["iwae_k1"] <= scores["iwae_k100"] + 0.05 < 0


def test_the_bound_needs_a_bernoulli_decoder(smoke_run, monkeypatch):
    import dataclasses

    from gen_src.metrics import frechet

    monkeypatch.setattr(frechet, "frechet_to_test", lambda *a: {})
    gaussian = dataclasses.replace(
        smoke_run,
        config=dataclasses.replace(smoke_run.config, likelihood="gaussian"),
    )
    judge = types.SimpleNamespace(models={"classifier": None})
    assert vae.score(gaussian, judge) == {}


def test_iwae_samples_zero_skips_the_bound(smoke_run, monkeypatch):
    """vae2d has no bound on any page: its build does not pay for one."""
    import dataclasses

    from gen_src.metrics import frechet, likelihood

    monkeypatch.setattr(frechet, "frechet_to_test", lambda *a: {})
    monkeypatch.setattr(likelihood, "iwae_bounds", None)  # not called
    none = dataclasses.replace(
        smoke_run,
        config=dataclasses.replace(smoke_run.config, iwae_samples=0),
    )
    judge = types.SimpleNamespace(models={"classifier": None})
    assert vae.score(none, judge) == {}
    assert vae.RUNS["vae2d"]("quick").iwae_samples == 0
    assert vae.RUNS["vae"]("quick").iwae_samples == 5000
