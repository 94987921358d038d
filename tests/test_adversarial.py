"""gen_src.adversarial: the losses, the alternation, the cool-down."""

import math

import pytest
import torch
import torch.nn.functional as F

from gen_src import adversarial, adversarial_training, gan

# -- losses ---------------------------------------------------------------

LOGITS = torch.tensor([-12.0, -3.0, -0.5, 0.0, 1.5, 9.0])


def test_losses_are_the_cross_entropy_formulas():
    d = torch.sigmoid(LOGITS.double())
    real, fake = LOGITS.double(), LOGITS.double().flip(0)
    want_d = -(
        torch.log(torch.sigmoid(real)).mean()
        + torch.log(1 - torch.sigmoid(fake)).mean()
    )
    assert adversarial.d_loss(real, fake).item() == pytest.approx(
        want_d.item()
    )
    ones = torch.ones(6, dtype=real.dtype)
    bce = F.binary_cross_entropy(
        torch.sigmoid(real), ones
    ) + F.binary_cross_entropy(torch.sigmoid(fake), 0 * ones)
    assert adversarial.d_loss(real, fake).item() == pytest.approx(bce.item())
    assert adversarial.g_loss_minimax(LOGITS.double()).item() == pytest.approx(
        torch.log(1 - d).mean().item()
    )
    assert adversarial.g_loss_nonsaturating(
        LOGITS.double()
    ).item() == pytest.approx(-torch.log(d).mean().item())


def test_equilibrium_values():
    zero = torch.zeros(10)  # D = 1/2 everywhere
    assert adversarial.d_loss(zero, zero).item() == pytest.approx(
        2 * math.log(2)
    )
    assert adversarial.g_loss_nonsaturating(zero).item() == pytest.approx(
        math.log(2)
    )
    assert adversarial.g_loss_minimax(zero).item() == pytest.approx(
        -math.log(2)
    )


def per_sample_grad(loss_fn, logit):
    t = torch.tensor([logit], requires_grad=True)
    (g,) = torch.autograd.grad(loss_fn(t), t)
    return g.item()


@pytest.mark.parametrize("logit", [-6.0, -10.0, -20.0])
def test_minimax_saturates_nonsaturating_does_not(logit):
    # near D(G(z)) = 0, i.e. a very negative logit: the page's claim
    d = 1 / (1 + math.exp(-logit))
    mm = per_sample_grad(adversarial.g_loss_minimax, logit)
    ns = per_sample_grad(adversarial.g_loss_nonsaturating, logit)
    assert mm == pytest.approx(-d, rel=1e-4)  # -D(G(z)) -> 0
    assert abs(mm) < 3e-3
    assert ns == pytest.approx(-(1 - d), rel=1e-4)  # -(1 - D) -> -1
    assert ns < -0.99
    # both push the logit the same way (up), at very different strengths
    assert abs(ns) > 300 * abs(mm)


def test_losses_are_finite_at_extreme_logits():
    big = torch.tensor([-200.0, 200.0], requires_grad=True)
    for value in (
        adversarial.d_loss(big, big),
        adversarial.g_loss_minimax(big),
        adversarial.g_loss_nonsaturating(big),
    ):
        (g,) = torch.autograd.grad(value, big)
        assert math.isfinite(value.item())
        assert torch.isfinite(g).all()


# -- the alternation ------------------------------------------------------


def update_order(config, rounds=1):
    """Which network each update trains: D's samples come from G under
    no_grad, G's update needs G's graph."""
    nets = gan.build(config)
    seen = []
    nets["G"].register_forward_hook(
        lambda *_: seen.append("G" if torch.is_grad_enabled() else "D")
    )
    step = adversarial.make_step(
        nets["G"], nets["D"], config, torch.device("cpu")
    )
    for _ in range(rounds):
        out = step(torch.randn(config.d_steps * config.batch_size, 2))
    return seen, out


def test_d_first_does_k_d_steps_then_g():
    seen, out = update_order(gan.GANConfig(d_steps=3, batch_size=8), 2)
    assert seen == ["D", "D", "D", "G"] * 2
    assert set(out) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert 0 < out["d_real"] < 1 and 0 < out["d_fake"] < 1


def test_g_first_and_g_heavy():
    seen, _ = update_order(gan.GANConfig(order="g_first", batch_size=8))
    assert seen == ["G", "D"]
    seen, _ = update_order(
        gan.GANConfig(order="g_heavy", g_steps=4, d_steps=2, batch_size=8)
    )
    assert seen == ["G"] * 4 + ["D"] * 2


def test_d_step_leaves_g_alone_and_g_step_leaves_d_alone():
    config = gan.GANConfig(batch_size=16)
    nets = gan.build(config)
    G, D = nets["G"], nets["D"]
    before_g = [p.clone() for p in G.parameters()]
    before_d = [p.clone() for p in D.parameters()]
    adversarial.make_step(G, D, config, torch.device("cpu"))(
        torch.randn(16, 2)
    )
    # one round changed both, but each only through its own optimiser
    assert any((a != b).any() for a, b in zip(before_g, G.parameters()))
    assert any((a != b).any() for a, b in zip(before_d, D.parameters()))
    assert all(
        p.grad is None or p.grad.abs().sum() > 0 for p in G.parameters()
    )


# -- learning-rate cooldown -------------------------------------------------


def test_lr_factor_holds_then_falls_to_zero():
    assert [adversarial_training.lr_factor(t, 100, 0.3) for t in (0, 70)] == [
        1.0,
        1.0,
    ]
    assert adversarial_training.lr_factor(85, 100, 0.3) == pytest.approx(0.5)
    assert adversarial_training.lr_factor(100, 100, 0.3) == 0.0
    assert (
        adversarial_training.lr_factor(99, 100, 0.0) == 1.0
    )  # no cooldown: constant
    assert adversarial_training.lr_factor(50, 100, 1.0) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="lr_cooldown"):
        gan.GANConfig(lr_cooldown=1.5)


def test_cooldown_reaches_the_optimisers():
    config = gan.config_for("smoke", num_steps=10, lr_cooldown=0.5)
    seen = []
    original = adversarial.make_step

    def spy(*args):
        step = original(*args)
        seen.append(step.optimizers)
        return step

    try:
        adversarial.make_step = spy
        gan.train(config, device="cpu", progress=False)
    finally:
        adversarial.make_step = original
    for opt in seen[0]:
        assert opt.param_groups[0]["lr"] == 0.0  # after the last step


def test_optimal_discriminator_against_a_frozen_generator():
    """Proposition 1 of Goodfellow et al. 2014 with a real (linear) G:
    G(z) = 0.8 z - 0.5 with z ~ N(0, 1), so p_g = N(-0.5, 0.8^2)."""
    torch.manual_seed(0)
    G = gan.Generator(1, (), (1,), tanh=False)
    with torch.no_grad():
        G.net[0].weight.fill_(0.8)
        G.net[0].bias.fill_(-0.5)
    G.requires_grad_(False)
    D = gan.Discriminator((1,), (32, 32))
    opt = torch.optim.Adam(D.parameters(), lr=3e-3)
    for _ in range(400):
        real = 0.7 + 0.4 * torch.randn(1024, 1)  # p_data = N(0.7, 0.4^2)
        loss = adversarial.d_loss(D(real), D(G(torch.randn(1024, 1))))
        opt.zero_grad()
        loss.backward()
        opt.step()
    x = torch.linspace(-0.5, 1.5, 11)

    def pdf(mean, std):
        return torch.exp(-0.5 * ((x - mean) / std) ** 2) / std

    best = pdf(0.7, 0.4) / (pdf(0.7, 0.4) + pdf(-0.5, 0.8))
    with torch.no_grad():
        learned = torch.sigmoid(D(x.view(-1, 1)))
    assert (learned - best).abs().max() < 0.06
    # and D's loss approaches its minimum, 2 log 2 - 2 JSD > 0
    assert 0 < loss.item() < 2 * math.log(2)


# -- packing (PacGAN) -------------------------------------------------------


def test_pack_puts_consecutive_samples_side_by_side():
    x = torch.arange(12.0).view(6, 2)
    packed = adversarial.pack(x, 3)
    assert packed.tolist() == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]
    images = torch.randn(8, 1, 28, 28)
    assert adversarial.pack(images, 4).shape == (2, 4, 28, 28)
    assert torch.equal(adversarial.pack(images, 4)[1, 2], images[6, 0])


def test_pack_of_one_changes_nothing():
    x = torch.randn(5, 2)
    assert torch.equal(adversarial.pack(x, 1), x)


def test_a_batch_that_packs_unevenly_names_pack():
    from gen_src import gan

    with pytest.raises(ValueError, match="pack=4"):
        gan.config_for("smoke", dataset="ring", batch_size=30, pack=4)


def test_r1_adds_half_gamma_times_the_squared_gradient_on_real_data():
    # a linear D: its gradient in x is its weight vector w everywhere
    D = torch.nn.Linear(2, 1)
    with torch.no_grad():
        D.weight.copy_(torch.tensor([[3.0, -4.0]]))  # ||w||^2 = 25
    logit = lambda x: D(x).squeeze(1)  # noqa: E731
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    plain, *_ = adversarial.gan_game("nonsaturating").critic(logit, real, fake)
    with_r1, *_ = adversarial.gan_game("nonsaturating", 0.5).critic(
        logit, real, fake
    )
    assert with_r1.item() == pytest.approx(plain.item() + 0.5 / 2 * 25)
    with_r1.backward()  # the penalty's gradient reaches D's weights
    assert D.weight.grad.abs().sum() > 0


def test_a_negative_r1_names_the_field():
    with pytest.raises(ValueError, match="r1"):
        gan.config_for("smoke", dataset="ring", r1=-1.0)


def test_r1_trains_a_toy_gan():
    run = gan.train(
        gan.config_for("smoke", dataset="grid", r1=gan.R1), progress=False
    )
    assert run.config.r1 == gan.R1
    assert math.isfinite(run.history["d_loss"][-1])


def test_image_batches_come_from_the_configured_dataset(monkeypatch):
    # the key fingerprints config.dataset: the batches must be its images
    from gen_src import adversarial_training, data, gan

    asked = []
    real = data.load

    def load(name, split):
        asked.append(name)
        return real("fashion-mnist", split)

    monkeypatch.setattr(data, "load", load)
    config = gan.config_for("smoke", dataset="mnist")
    adversarial_training.real_batches(config, torch.device("cpu"))
    assert asked == ["mnist"]
