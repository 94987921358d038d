"""The judge classifier: its API, configs, training."""

from __future__ import annotations

import pytest
import torch

from gen_src import classifier, loop


@pytest.fixture(scope="module")
def smoke_run():
    return classifier.train(
        classifier.config_for("smoke"), device="cpu", progress=False
    )


def test_features_and_predict_shapes():
    config = classifier.ClassifierConfig(channels=4, feature_dim=12)
    model = classifier.build(config)["classifier"]
    x = torch.rand(7, 1, 28, 28)
    assert classifier.features(model, x).shape == (7, 12)
    pred = classifier.predict(model, x)
    assert pred.shape == (7,) and pred.dtype == torch.int64
    assert ((0 <= pred) & (pred < 10)).all()
    assert model(x).shape == (7, 10)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(num_epochs=0), "num_epochs"),
        (dict(channels=0), "channels"),
        (dict(feature_dim=0), "feature_dim"),
        (dict(lr=0.0), "lr"),
        (dict(batch_size=0), "batch_size"),
        (dict(train_size=0), "train_size"),
        (dict(test_size=0), "test_size"),
    ],
)
def test_invalid_config_names_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}="):
        classifier.ClassifierConfig(**kwargs)


def test_config_for():
    assert classifier.RUNS["classifier"]("quick") == classifier.config_for(
        "quick"
    )
    with pytest.raises(ValueError, match="profile="):
        classifier.config_for("tiny")


def test_train_smoke_run(smoke_run):
    run = smoke_run
    assert isinstance(run, loop.Run)
    assert not run.models["classifier"].training
    acc = run.metrics["test_accuracy"]
    assert 0.3 < acc <= 1.0  # far above chance (0.1) even in smoke
    assert run.history["loss"][-1] < run.history["loss"][0]


def test_accuracy(smoke_run):
    model = smoke_run.models["classifier"]
    x = torch.rand(20, 1, 28, 28)
    labels = classifier.predict(model, x)
    assert classifier.accuracy(model, x, labels) == 1.0
    assert classifier.accuracy(model, x, (labels + 1) % 10) == 0.0
