"""The plain autoencoder: shapes, loss, configs, training."""

from __future__ import annotations

import pytest
import torch

from gen_src import autoencoder, loop


def test_shapes():
    config = autoencoder.AEConfig(latent_dim=3, hidden_dim=16)
    model = autoencoder.build(config)["ae"]
    x = torch.rand(5, 1, 28, 28)
    z = model.encoder(x)
    assert z.shape == (5, 3)
    x_hat = model(x)
    assert x_hat.shape == x.shape
    assert 0 <= x_hat.min() and x_hat.max() <= 1
    assert torch.equal(model.decoder(z), x_hat)


def test_reconstruction_loss_is_squared_error_per_image():
    x = torch.zeros(2, 1, 28, 28)
    x_hat = torch.zeros(2, 1, 28, 28)
    assert autoencoder.reconstruction_loss(x, x_hat) == 0
    x_hat[0, 0, 0, :4] = 0.5  # 4 pixels off by 0.5 in image 0 only
    # image 0: 4 * 0.25 = 1; image 1: 0; mean over the batch: 0.5
    assert autoencoder.reconstruction_loss(x, x_hat).item() == pytest.approx(
        0.5
    )
    gen = torch.Generator().manual_seed(0)
    a, b = (
        torch.rand(3, 1, 28, 28, generator=gen),
        torch.rand(3, 1, 28, 28, generator=gen),
    )
    expected = torch.stack([(a[i] - b[i]).norm() ** 2 for i in range(3)])
    assert autoencoder.reconstruction_loss(a, b).item() == pytest.approx(
        expected.mean().item(), rel=1e-5
    )


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(num_epochs=0), "num_epochs"),
        (dict(num_epochs=-1), "num_epochs"),
        (dict(latent_dim=0), "latent_dim"),
        (dict(hidden_dim=-3), "hidden_dim"),
        (dict(lr=-0.1), "lr"),
        (dict(batch_size=0), "batch_size"),
        (dict(train_size=0), "train_size"),
        (dict(test_size=0), "test_size"),
        (dict(seed=-1), "seed"),
    ],
)
def test_invalid_config_names_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"^{field}="):
        autoencoder.AEConfig(**kwargs)


def test_config_for_and_runs():
    assert autoencoder.RUNS["ae2d"]("quick").latent_dim == 2
    assert autoencoder.RUNS["ae"]("quick").latent_dim > 2
    assert autoencoder.config_for("smoke").train_size is not None
    assert autoencoder.config_for("full").train_size is None
    with pytest.raises(ValueError, match="profile="):
        autoencoder.config_for("medium")


def test_train_smoke_run():
    config = autoencoder.config_for("smoke")
    run = autoencoder.train(config, device="cpu", progress=False)
    assert isinstance(run, loop.Run)
    model = run.models["ae"]
    assert not model.training
    steps = config.train_size // config.batch_size * config.num_epochs
    assert len(run.history["loss"]) == steps
    assert len(run.history["test_recon"]) == config.num_epochs
    m = run.metrics
    assert m["test_recon"] == run.history["test_recon"][-1]
    assert m["test_mse_pixel"] == pytest.approx(m["test_recon"] / 784)
    # better than always drawing a blank (mean squared pixel ~ 0.17 * 784)
    assert 0 < m["test_recon"] < 130
    loss = run.history["loss"]
    assert loss[-1] < loss[0]


def test_evaluate_matches_the_loss():
    model = autoencoder.Autoencoder(autoencoder.AEConfig(hidden_dim=8))
    x = torch.rand(10, 1, 28, 28)
    with torch.no_grad():
        expected = autoencoder.reconstruction_loss(x, model(x)).item()
    assert autoencoder.evaluate(model, x) == pytest.approx(expected, rel=1e-5)
