"""The MLP GAN: networks, configs, training, its Fréchet score."""

import dataclasses
import math
import types

import pytest
import torch

from gen_src import gan

# -- networks -------------------------------------------------------------


def test_toy_networks_shapes():
    nets = gan.build(
        gan.GANConfig(dataset="ring", latent_dim=3, hidden=(16, 8))
    )
    x = nets["G"](torch.randn(5, 3))
    assert x.shape == (5, 2)
    assert nets["D"](x).shape == (5,)


def test_image_networks_shapes():
    nets = gan.build(
        gan.GANConfig(dataset="fashion-mnist", latent_dim=7, hidden=(32, 64))
    )
    x = nets["G"](torch.randn(4, 7))
    assert x.shape == (4, 1, 28, 28)
    assert x.abs().max() <= 1  # tanh output, like the data in [-1, 1]
    assert nets["D"](x).shape == (4,)
    # D mirrors G: its hidden widths are G's in reverse
    widths = [
        m.out_features for m in nets["D"].net if isinstance(m, torch.nn.Linear)
    ]
    assert widths == [64, 32, 1]


# -- configs --------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("num_epochs", 0),
        ("num_epochs", -2),
        ("num_steps", 0),
        ("loss", "wasserstein"),
        ("latent_dim", 0),
        ("order", "random"),
        ("dataset", "cifar"),
        ("d_steps", 0),
        ("lr", 0.0),
        ("batch_size", 0),
        ("dropout", 1.0),
        ("snapshot_every", 0),
        ("num_samples", 0),
        ("hidden", (128, 0)),
        ("train_size", 0),
        ("betas", (0.5, 1.5)),
    ],
)
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
        ns.num_steps * 2, abs=1 + heavy.g_steps
    )


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
        scores = gan.score(run)
        assert 0 <= scores["modes"] <= scores["num_modes"]
    else:
        n = config.train_size // config.batch_size
        assert run.metrics["steps"] == n * config.num_epochs


def test_same_seed_same_losses_bit_for_bit():
    config = gan.config_for("smoke", dataset="ring", num_steps=30)
    a = gan.train(config, device="cpu", progress=False)
    b = gan.train(config, device="cpu", progress=False)
    assert a.history == b.history
    assert torch.equal(a.tensors["snapshots"], b.tensors["snapshots"])
    c = gan.train(
        gan.config_for("smoke", dataset="ring", num_steps=30, seed=1),
        device="cpu",
        progress=False,
    )
    assert c.history["d_loss"] != a.history["d_loss"]


def test_progress_lines(capsys):
    config = gan.config_for("smoke", dataset="grid", num_steps=3)
    gan.train(config, device="cpu", progress=True)
    assert "step 3/3" in capsys.readouterr().err


# -- Frechet score --------------------------------------------------------


def stand_in_judge(monkeypatch):
    """A stand-in for the Fréchet distance in the judge's features:
    blurred pixels as features, n test images as the reference, n
    training images as the floor."""
    from gen_src import data
    from gen_src.metrics import frechet

    def features(x):
        return torch.nn.functional.avg_pool2d(x, 7).flatten(1)  # (N, 16)

    def distance(a, b):
        return float(
            (a.mean(0) - b.mean(0)).pow(2).sum()
            + (a.std(0) - b.std(0)).pow(2).sum()
        )

    def frechet_to_test(model, images01, seed=0):
        assert images01.min() >= 0 and images01.max() <= 1
        n = len(images01)
        test = features(data.load("fashion-mnist", "test").images[:n])
        train = features(data.load("fashion-mnist", "train").images[:n])
        return {
            "frechet": distance(features(images01), test),
            "frechet_floor": distance(train, test),
            "frechet_samples": n,
        }

    monkeypatch.setattr(frechet, "frechet_to_test", frechet_to_test)
    return types.SimpleNamespace(models={"classifier": None})


def test_score_with_a_stand_in_classifier(monkeypatch):
    judge = stand_in_judge(monkeypatch)
    config = gan.config_for("smoke", dataset="fashion-mnist", num_samples=300)
    run = gan.train(config, device="cpu", progress=False)
    m = gan.score(run, judge)
    assert m["frechet_samples"] == 300
    assert 0 <= m["frechet_floor"] < m["frechet"]
    assert m["frechet"] == gan.score(run, judge)["frechet"]  # fixed z


def test_toy_runs_are_scored_by_modes_without_a_judge():
    run = gan.train(
        gan.config_for("smoke", num_steps=2), device="cpu", progress=False
    )
    scores = gan.score(run, None)
    assert "frechet" not in scores
    assert scores["num_modes"] == 8 and 0 <= scores["modes"] <= 8
