"""The judge classifier: its API, the Fréchet distance, training."""

from __future__ import annotations

import pytest
import torch

from gen_src import classifier, train


@pytest.fixture(scope="module")
def smoke_run():
    return classifier.train(classifier.config_for("smoke"), device="cpu",
                            progress=False)


def test_features_and_predict_shapes():
    config = classifier.ClassifierConfig(channels=4, feature_dim=12)
    model = classifier.build(config)["classifier"]
    x = torch.rand(7, 1, 28, 28)
    assert classifier.features(model, x).shape == (7, 12)
    pred = classifier.predict(model, x)
    assert pred.shape == (7,) and pred.dtype == torch.int64
    assert ((0 <= pred) & (pred < 10)).all()
    assert model(x).shape == (7, 10)


def test_frechet_distance_of_a_set_with_itself_is_zero():
    feats = torch.randn(500, 8, generator=torch.Generator().manual_seed(0))
    assert classifier.frechet_distance(feats, feats) == pytest.approx(
        0.0, abs=1e-6)


def test_frechet_distance_exact_for_an_affine_copy():
    # b = 2a + c has mean 2 mu_a + c and covariance 4 S_a, so
    # d^2 = ||mu_a + c||^2 + Tr(S_a + 4 S_a - 2 * 2 S_a) = ... + Tr(S_a)
    a = torch.randn(400, 5, generator=torch.Generator().manual_seed(1))
    a = a @ torch.randn(5, 5, generator=torch.Generator().manual_seed(2))
    c = torch.tensor([1.0, -2.0, 0.5, 0.0, 3.0])
    b = 2 * a + c
    a64 = a.double()
    expected = (a64.mean(0) + c.double()).pow(2).sum() \
        + torch.cov(a64.T).trace()
    assert classifier.frechet_distance(a, b) == pytest.approx(
        expected.item(), rel=1e-6)
    assert classifier.frechet_distance(b, a) == pytest.approx(
        expected.item(), rel=1e-6)


def test_frechet_distance_of_two_gaussians_matches_the_formula():
    # N(0, I) vs N(m, diag(s^2)): d^2 = ||m||^2 + sum (1 - s)^2
    gen = torch.Generator().manual_seed(3)
    m = torch.tensor([1.0, 0.0, -1.0, 2.0])
    s = torch.tensor([1.0, 2.0, 0.5, 1.5])
    a = torch.randn(200_000, 4, generator=gen)
    b = m + s * torch.randn(200_000, 4, generator=gen)
    expected = (m.pow(2).sum() + (1 - s).pow(2).sum()).item()  # 7.5
    assert classifier.frechet_distance(a, b) == pytest.approx(expected,
                                                              rel=0.02)


@pytest.mark.parametrize("kwargs, field", [
    (dict(num_epochs=0), "num_epochs"),
    (dict(channels=0), "channels"),
    (dict(feature_dim=0), "feature_dim"),
    (dict(lr=0.0), "lr"),
    (dict(batch_size=0), "batch_size"),
    (dict(train_size=0), "train_size"),
    (dict(test_size=0), "test_size"),
])
def test_invalid_config_names_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}="):
        classifier.ClassifierConfig(**kwargs)


def test_config_for():
    assert classifier.RUNS["classifier"]("quick") == \
        classifier.config_for("quick")
    with pytest.raises(ValueError, match="profile="):
        classifier.config_for("tiny")


def test_train_smoke_run(smoke_run):
    run = smoke_run
    assert isinstance(run, train.Run)
    assert not run.models["classifier"].training
    acc = run.metrics["test_accuracy"]
    assert 0.3 < acc <= 1.0  # far above chance (0.1) even in smoke
    assert run.history["loss"][-1] < run.history["loss"][0]


def test_accuracy_and_real_floor(smoke_run):
    model = smoke_run.models["classifier"]
    x = torch.rand(20, 1, 28, 28)
    labels = classifier.predict(model, x)
    assert classifier.accuracy(model, x, labels) == 1.0
    assert classifier.accuracy(model, x, (labels + 1) % 10) == 0.0
    assert classifier.test_features(model, 100).shape == (100, 128)
    floor = classifier.real_floor(model, n=500)
    assert floor >= 0
    noise = classifier.features(model, torch.rand(500, 1, 28, 28))
    far = classifier.frechet_distance(noise,
                                      classifier.test_features(model, 500))
    assert far > floor


def test_frechet_to_test_reuses_the_reference(smoke_run):
    model = smoke_run.models["classifier"]
    images = torch.rand(300, 1, 28, 28)
    first = classifier.frechet_to_test(model, images)
    hits = classifier._reference.cache_info().hits
    again = classifier.frechet_to_test(model, images)
    assert again == first
    assert classifier._reference.cache_info().hits == hits + 1
    assert first["frechet_floor"] == pytest.approx(
        classifier.real_floor(model, 300))
    assert first["frechet"] > first["frechet_floor"]
