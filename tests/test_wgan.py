"""WGAN-GP: the critic's loss, its networks, configs, training."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from gen_src import adversarial, wgan


class Linear(nn.Module):
    """D(x) = w . x: its gradient is w everywhere."""

    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(w))

    def forward(self, x):
        return x.flatten(1) @ self.w


def _pair(seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(64, 2, generator=gen), torch.randn(
        64, 2, generator=gen
    ) + 3


def test_a_1_lipschitz_linear_critic_pays_no_penalty():
    real, fake = _pair()
    D = Linear([0.6, 0.8])  # ||w|| = 1
    loss, real_scores, fake_scores = wgan.critic_loss(D, real, fake, 10.0)
    expected = fake_scores.mean() - real_scores.mean()
    assert loss.item() == pytest.approx(expected.item(), abs=1e-5)


def test_the_penalty_is_lambda_times_the_squared_excess_norm():
    real, fake = _pair()
    D = Linear([1.2, 1.6])  # ||w|| = 2: (2 - 1)^2 = 1 at every point
    loss, real_scores, fake_scores = wgan.critic_loss(D, real, fake, 10.0)
    expected = fake_scores.mean() - real_scores.mean() + 10.0
    assert loss.item() == pytest.approx(expected.item(), abs=1e-4)
    loss.backward()  # the penalty reaches the critic's weights
    assert D.w.grad.abs().sum() > 0


def test_the_generator_raises_the_critics_score():
    D = Linear([1.0, 0.0])
    fake = torch.tensor([[2.0, 5.0], [4.0, -1.0]])
    assert wgan.generator_loss(D, fake).item() == pytest.approx(-3.0)


def test_the_critic_is_a_score_not_a_probability():
    config = wgan.config_for("smoke", dataset="ring")
    game = wgan.game(config)
    scores = torch.tensor([-7.0, 0.0, 12.0])
    assert torch.equal(game.verdict(scores), scores)


@pytest.mark.parametrize(
    "field, value",
    [("gp_weight", -1.0), ("d_steps", 0), ("pack", 0), ("loss", "minimax")],
)
def test_invalid_config_names_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        wgan.config_for("smoke", dataset="ring", **{field: value})


def test_the_image_critic_has_no_batch_norm():
    config = wgan.config_for("smoke", dataset="fashion-mnist", channels=8)
    nets = wgan.build(config)
    kinds = {type(m) for m in nets["D"].modules()}
    assert nn.GroupNorm in kinds
    assert not any(
        issubclass(k, nn.modules.batchnorm._BatchNorm) for k in kinds
    )
    x = nets["G"](torch.randn(3, config.latent_dim))
    assert x.shape == (3, 1, 28, 28)
    assert nets["D"](x).shape == (3,)


def test_a_packed_critic_sees_m_samples_at_once():
    config = wgan.config_for("smoke", dataset="ring", pack=4)
    nets = wgan.build(config)
    x = torch.randn(32, 2)
    assert nets["D"](adversarial.pack(x, 4)).shape == (8,)


@pytest.mark.parametrize("name", sorted(wgan.RUNS))
def test_runs_are_valid_configs(name):
    for profile in ("smoke", "quick", "full"):
        config = wgan.RUNS[name](profile)
        assert config.loss == "wasserstein"
        assert config.d_steps == 5  # n_critic of Gulrajani et al.


def test_smoke_training_on_the_ring():
    run = wgan.train(
        wgan.config_for("smoke", dataset="ring"), device="cpu", progress=False
    )
    assert {"modes", "high_quality", "reverse_kl"} <= set(wgan.score(run))
    assert len(run.tensors["snapshots"]) >= 2
    losses = run.history["d_loss"]
    assert all(torch.isfinite(torch.tensor(losses)))
