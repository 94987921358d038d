"""The MLP GAN: networks, losses, the alternation, configs, training."""

import dataclasses
import math
import sys
import types

import pytest
import torch
import torch.nn.functional as F

from gen_src import adversarial, gan


# -- networks -------------------------------------------------------------

def test_toy_networks_shapes():
    nets = gan.build(gan.GANConfig(dataset="ring", latent_dim=3,
                                   hidden=(16, 8)))
    x = nets["G"](torch.randn(5, 3))
    assert x.shape == (5, 2)
    assert nets["D"](x).shape == (5,)


def test_image_networks_shapes():
    nets = gan.build(gan.GANConfig(dataset="fashion-mnist", latent_dim=7,
                                   hidden=(32, 64)))
    x = nets["G"](torch.randn(4, 7))
    assert x.shape == (4, 1, 28, 28)
    assert x.abs().max() <= 1  # tanh output, like the data in [-1, 1]
    assert nets["D"](x).shape == (4,)
    # D mirrors G: its hidden widths are G's in reverse
    widths = [m.out_features for m in nets["D"].net
              if isinstance(m, torch.nn.Linear)]
    assert widths == [64, 32, 1]


# -- losses ---------------------------------------------------------------

LOGITS = torch.tensor([-12.0, -3.0, -0.5, 0.0, 1.5, 9.0])


def test_losses_are_the_cross_entropy_formulas():
    d = torch.sigmoid(LOGITS.double())
    real, fake = LOGITS.double(), LOGITS.double().flip(0)
    want_d = -(torch.log(torch.sigmoid(real)).mean()
               + torch.log(1 - torch.sigmoid(fake)).mean())
    assert adversarial.d_loss(real, fake).item() == pytest.approx(want_d.item())
    ones = torch.ones(6, dtype=real.dtype)
    bce = F.binary_cross_entropy(torch.sigmoid(real), ones) + \
        F.binary_cross_entropy(torch.sigmoid(fake), 0 * ones)
    assert adversarial.d_loss(real, fake).item() == pytest.approx(bce.item())
    assert adversarial.g_loss_minimax(LOGITS.double()).item() == pytest.approx(
        torch.log(1 - d).mean().item())
    assert adversarial.g_loss_nonsaturating(LOGITS.double()).item() == \
        pytest.approx(-torch.log(d).mean().item())


def test_equilibrium_values():
    zero = torch.zeros(10)  # D = 1/2 everywhere
    assert adversarial.d_loss(zero, zero).item() == pytest.approx(2 * math.log(2))
    assert adversarial.g_loss_nonsaturating(zero).item() == pytest.approx(
        math.log(2))
    assert adversarial.g_loss_minimax(zero).item() == pytest.approx(-math.log(2))


def per_sample_grad(loss_fn, logit):
    l = torch.tensor([logit], requires_grad=True)
    (g,) = torch.autograd.grad(loss_fn(l), l)
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
    for value in (adversarial.d_loss(big, big), adversarial.g_loss_minimax(big),
                  adversarial.g_loss_nonsaturating(big)):
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
        lambda *_: seen.append("G" if torch.is_grad_enabled() else "D"))
    step = adversarial.make_step(nets["G"], nets["D"], config, torch.device("cpu"))
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
    seen, _ = update_order(gan.GANConfig(order="g_heavy", g_steps=4,
                                         d_steps=2, batch_size=8))
    assert seen == ["G"] * 4 + ["D"] * 2


def test_d_step_leaves_g_alone_and_g_step_leaves_d_alone():
    config = gan.GANConfig(batch_size=16)
    nets = gan.build(config)
    G, D = nets["G"], nets["D"]
    before_g = [p.clone() for p in G.parameters()]
    before_d = [p.clone() for p in D.parameters()]
    adversarial.make_step(G, D, config, torch.device("cpu"))(torch.randn(16, 2))
    # one round changed both, but each only through its own optimiser
    assert any((a != b).any() for a, b in zip(before_g, G.parameters()))
    assert any((a != b).any() for a, b in zip(before_d, D.parameters()))
    assert all(p.grad is None or p.grad.abs().sum() > 0
               for p in G.parameters())


# -- configs --------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("num_epochs", 0), ("num_epochs", -2), ("num_steps", 0),
    ("loss", "wasserstein"), ("latent_dim", 0), ("order", "random"),
    ("dataset", "cifar"), ("d_steps", 0), ("lr", 0.0), ("batch_size", 0),
    ("dropout", 1.0), ("snapshot_every", 0), ("num_samples", 0),
    ("hidden", (128, 0)), ("train_size", 0), ("betas", (0.5, 1.5)),
])
def test_invalid_config_names_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        gan.GANConfig(**{field: value})


def test_g_heavy_needs_several_g_steps():
    with pytest.raises(ValueError, match="g_steps"):
        gan.GANConfig(order="g_heavy", g_steps=1)
    with pytest.raises(ValueError, match="hidden"):
        gan.GANConfig(hidden=())


def test_profiles():
    with pytest.raises(ValueError, match="profile"):
        gan.config_for("huge")
    quick = gan.config_for("quick", dataset="grid")
    full = gan.config_for("full", dataset="grid")
    assert full.num_steps > quick.num_steps
    assert gan.config_for("smoke", lr=0.5).lr == 0.5  # overrides win
    images = gan.config_for("quick", dataset="fashion-mnist")
    assert images.train_size is None and images.latent_dim > 2


def test_runs_are_valid_configs():
    for name, make in gan.RUNS.items():
        for profile in ("smoke", "quick", "full"):
            assert isinstance(make(profile), gan.GANConfig), name
    mm = gan.RUNS["toy_ring_k3_mm"]("quick")
    k3 = gan.RUNS["toy_ring_k3_ns"]("quick")
    ns = gan.RUNS["toy_ring_ns"]("quick")
    assert (mm.loss, k3.loss) == ("minimax", "nonsaturating")
    # the same budget, the loss the only difference
    assert dataclasses.replace(mm, loss="nonsaturating") == k3
    assert k3.d_steps == 3 and ns.d_steps == 1
    heavy = gan.RUNS["toy_ring_gfirst"]("quick")
    assert heavy.order == "g_heavy" and heavy.g_steps > 1
    # the same number of network updates as the D-first run
    assert heavy.num_steps * (1 + heavy.g_steps) == pytest.approx(
        ns.num_steps * 2, abs=1 + heavy.g_steps)


# -- training -------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(gan.RUNS))
def test_smoke_training_of_every_run(name):
    config = gan.RUNS[name]("smoke")
    run = gan.train(config, device="cpu", progress=False)
    for key in ("d_loss", "g_loss", "d_real", "d_fake"):
        series = run.history[key]
        assert len(series) == run.metrics["steps"] > 0
        assert all(math.isfinite(v) for v in series)
    for model in run.models.values():
        assert not model.training
        assert all(p.device.type == "cpu" for p in model.parameters())
    if config.is_toy:
        shots = run.tensors["snapshots"]
        steps = run.tensors["snapshot_steps"]
        assert shots.shape == (len(steps), config.num_samples, 2)
        assert steps[0] == 0 and steps[-1] == config.num_steps
        assert 0 <= run.metrics["modes"] <= run.metrics["num_modes"]
    else:
        n = config.train_size // config.batch_size
        assert run.metrics["steps"] == n * config.num_epochs


def test_same_seed_same_losses_bit_for_bit():
    config = gan.config_for("smoke", dataset="ring", num_steps=30)
    a = gan.train(config, device="cpu", progress=False)
    b = gan.train(config, device="cpu", progress=False)
    assert a.history == b.history
    assert torch.equal(a.tensors["snapshots"], b.tensors["snapshots"])
    c = gan.train(gan.config_for("smoke", dataset="ring", num_steps=30,
                                 seed=1), device="cpu", progress=False)
    assert c.history["d_loss"] != a.history["d_loss"]


def test_progress_lines(capsys):
    config = gan.config_for("smoke", dataset="grid", num_steps=3)
    gan.train(config, device="cpu", progress=True)
    assert "step 3/3" in capsys.readouterr().err


def test_snapshot_at_the_last_step_even_off_the_grid():
    config = gan.config_for("smoke", num_steps=25, snapshot_every=10)
    run = gan.train(config, device="cpu", progress=False)
    assert run.tensors["snapshot_steps"].tolist() == [0, 10, 20, 25]


# -- Frechet score --------------------------------------------------------

def stand_in_classifier(monkeypatch):
    """A tiny classifier module with the agreed API: blurred pixels as
    features, n test images as the reference, n training images as the
    floor."""
    from gen_src import data

    fake = types.ModuleType("gen_src.classifier")

    def features(x):
        return torch.nn.functional.avg_pool2d(x, 7).flatten(1)  # (N, 16)

    def distance(a, b):
        return float((a.mean(0) - b.mean(0)).pow(2).sum()
                     + (a.std(0) - b.std(0)).pow(2).sum())

    def frechet_to_test(model, images01, seed=0):
        assert images01.min() >= 0 and images01.max() <= 1
        n = len(images01)
        test = features(data.load("fashion-mnist", "test").images[:n])
        train = features(data.load("fashion-mnist", "train").images[:n])
        return {"frechet": distance(features(images01), test),
                "frechet_floor": distance(train, test),
                "frechet_samples": n}

    fake.frechet_to_test = frechet_to_test
    monkeypatch.setitem(sys.modules, "gen_src.classifier", fake)
    import gen_src
    monkeypatch.setattr(gen_src, "classifier", fake, raising=False)
    return types.SimpleNamespace(models={"classifier": None})


def test_score_with_a_stand_in_classifier(monkeypatch):
    judge = stand_in_classifier(monkeypatch)
    config = gan.config_for("smoke", dataset="fashion-mnist",
                            num_samples=300)
    run = gan.train(config, device="cpu", progress=False)
    m = gan.score(run, judge)
    assert m["frechet_samples"] == 300
    assert 0 <= m["frechet_floor"] < m["frechet"]
    assert m["frechet"] == gan.score(run, judge)["frechet"]  # fixed z


# -- learning-rate cooldown -------------------------------------------------

def test_lr_factor_holds_then_falls_to_zero():
    assert [adversarial.lr_factor(t, 100, 0.3) for t in (0, 70)] == [1.0, 1.0]
    assert adversarial.lr_factor(85, 100, 0.3) == pytest.approx(0.5)
    assert adversarial.lr_factor(100, 100, 0.3) == 0.0
    assert adversarial.lr_factor(99, 100, 0.0) == 1.0  # no cooldown: constant
    assert adversarial.lr_factor(50, 100, 1.0) == pytest.approx(0.5)
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


# -- figures ----------------------------------------------------------------

@pytest.fixture(scope="module")
def smoke_runs():
    from gen_src import dcgan
    from gen_src.plots import gan as plots

    names = {r for needed, _ in plots.FIGURES.values() for r in needed}
    runs = {}
    for name in sorted(names):
        module = dcgan if name in dcgan.RUNS else gan
        runs[name] = module.train(module.RUNS[name]("smoke"), device="cpu",
                                  progress=False)
    return runs


def figure_names():
    from gen_src.plots import gan as plots
    return sorted(plots.FIGURES)


@pytest.mark.parametrize("name", figure_names())
def test_every_figure_draws(name, smoke_runs):
    import matplotlib.pyplot as plt
    from gen_src.plots import gan as plots

    needed, draw = plots.FIGURES[name]
    fig = draw(*(smoke_runs[r] for r in needed))
    try:
        assert fig.axes
        assert 3 <= fig.get_figwidth() <= 8 and fig.get_figheight() <= 6
        texts = [t.get_text() for ax in fig.axes for t in ax.texts] + [
            ax.get_title() for ax in fig.axes]
        # language-neutral: no English words on the axes
        for word in ("step", "loss", "real", "fake", "modes"):
            assert not any(word in t for t in texts), (word, texts)
    finally:
        plt.close(fig)


def test_figures_are_deterministic(smoke_runs):
    import io

    import matplotlib.pyplot as plt
    from gen_src.plots import gan as plots

    def png(name):
        needed, draw = plots.FIGURES[name]
        fig = draw(*(smoke_runs[r] for r in needed))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=40)
        plt.close(fig)
        return buf.getvalue()

    for name in ("gan_loss_compare", "dcgan_samples"):
        assert png(name) == png(name)


def test_order_labels():
    from gen_src.plots import gan as plots

    assert plots._order_label(gan.GANConfig()) == r"$D \to G$"
    heavy = gan.GANConfig(order="g_heavy", g_steps=5, d_steps=2)
    assert plots._order_label(heavy) == r"$G^{5} \to D^{2}$"


def test_toy_runs_have_no_frechet_score():
    run = gan.train(gan.config_for("smoke", num_steps=2), device="cpu",
                    progress=False)
    assert gan.score(run, None) == {}


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
