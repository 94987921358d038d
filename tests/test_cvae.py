"""The conditional VAE: the label reaches both networks; sampling; score."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from gen_src import classifier, cvae, loop, vae


@pytest.fixture(scope="module")
def smoke_run():
    return cvae.train(cvae.config_for("smoke"), device="cpu", progress=False)


def test_shapes_and_reuse_of_the_vae_parts():
    model = cvae.CVAE(cvae.CVAEConfig(latent_dim=4, hidden_dim=32))
    x, y = torch.rand(6, 1, 28, 28), torch.arange(6)
    logits, mu, logvar = model(x, y)
    assert logits.shape == x.shape and mu.shape == logvar.shape == (6, 4)
    assert isinstance(model.encoder, vae.Encoder)
    assert model.encoder.body[0].in_features == 784 + 10
    assert model.decoder[0].in_features == 4 + 10
    images = cvae.sample(model, torch.tensor([0, 3, 9]))
    assert images.shape == (3, 1, 28, 28)
    assert 0 <= images.min() and images.max() <= 1


def test_the_label_changes_encoder_and_decoder():
    model = cvae.CVAE(cvae.CVAEConfig(latent_dim=4, hidden_dim=32))
    x = torch.rand(1, 1, 28, 28).expand(2, 1, 28, 28)
    _, mu, _ = model(x, torch.tensor([1, 2]))
    assert not torch.equal(mu[0], mu[1])
    z = torch.zeros(2, 4)
    out = model.decode(z, torch.tensor([1, 2]))
    assert not torch.equal(out[0], out[1])
    same = model.decode(z, torch.tensor([5, 5]))
    assert torch.equal(same[0], same[1])


def test_sampling_is_seeded():
    model = cvae.CVAE(cvae.CVAEConfig(latent_dim=4, hidden_dim=16))
    labels = torch.tensor([2, 2, 7])
    a = cvae.sample(model, labels, torch.Generator().manual_seed(5))
    b = cvae.sample(model, labels, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(num_epochs=0), "num_epochs"),
        (dict(latent_dim=0), "latent_dim"),
        (dict(hidden_dim=0), "hidden_dim"),
        (dict(beta=-0.5), "beta"),
        (dict(lr=0), "lr"),
        (dict(batch_size=-1), "batch_size"),
        (dict(train_size=0), "train_size"),
        (dict(test_size=0), "test_size"),
    ],
)
def test_invalid_config_names_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}="):
        cvae.CVAEConfig(**kwargs)


def test_config_for():
    assert cvae.RUNS["cvae"]("quick") == cvae.config_for("quick")
    assert cvae.config_for("smoke", beta=2.0).beta == 2.0
    with pytest.raises(ValueError, match="profile="):
        cvae.config_for("huge")


def test_train_smoke_run(smoke_run):
    run = smoke_run
    assert isinstance(run, loop.Run) and not run.models["cvae"].training
    steps = run.config.train_size // run.config.batch_size
    assert len(run.history["loss"]) == steps * run.config.num_epochs
    for key in ("test_nelbo", "test_recon", "test_kl"):
        assert run.metrics[key] == run.history[key][-1]
    m = run.metrics
    assert m["test_nelbo"] == pytest.approx(m["test_recon"] + m["test_kl"])
    assert run.history["loss"][-1] < run.history["loss"][0]


class _Always(nn.Module):
    """A stand-in judge that calls every image class `label`."""

    def __init__(self, label: int):
        super().__init__()
        self.label = label
        self.body = nn.Flatten()

    def forward(self, x):
        return nn.functional.one_hot(
            torch.full((len(x),), self.label), 10
        ).float()


def test_class_accuracy_counts_agreement_with_the_judge(smoke_run):
    model = smoke_run.models["cvae"]
    # 10 classes asked for equally often; a judge that always says 3
    # agrees on exactly one class in ten
    assert cvae.class_accuracy(
        model, _Always(3), per_class=7
    ) == pytest.approx(0.1)


def test_score(smoke_run):
    judge = classifier.train(
        classifier.config_for("smoke"), device="cpu", progress=False
    )
    scores = cvae.score(smoke_run, judge)
    assert set(scores) == {
        "class_accuracy",
        "frechet",
        "frechet_floor",
        "frechet_samples",
        "precision",
        "recall",
        "coverage",
        "radius_ratio",
        "pr_samples",
    }
    assert 0.0 <= scores["class_accuracy"] <= 1.0
    assert 0.0 <= scores["precision"] <= 1.0 and 0.0 <= scores["recall"] <= 1.0
    assert scores["frechet"] > scores["frechet_floor"] >= 0
    per_class = smoke_run.config.test_size // 10
    assert scores["frechet_samples"] == 10 * per_class
