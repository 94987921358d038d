"""A plain autoencoder: compress x to a code z = e(x), rebuild d(z).

It learns to reconstruct well, but nothing asks its latent space to be
regular: decoding a point that no image was mapped to gives no garment.
That is the problem the VAE solves. The networks match the VAE's
(784-400-latent) so the two latent spaces compare fairly.
Taught on the page "Autoencoder" (autoencoder.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import data, runtime, train as loop

PIXELS = 28 * 28


@dataclass(frozen=True, kw_only=True)
class AEConfig:
    latent_dim: int = 2  # 2: the latent space can be drawn
    hidden_dim: int = 400  # same width as the VAE, for a fair comparison
    num_epochs: int = 3  # a few passes give a clear picture
    lr: float = 1e-3  # Adam's usual step size
    batch_size: int = 128  # many updates per epoch
    train_size: int | None = None  # None: all 60k training images
    test_size: int | None = None  # None: all 10k test images
    seed: int = 0  # weights and batch order

    def __post_init__(self):
        runtime.check_int("latent_dim", self.latent_dim, 1)
        runtime.check_int("hidden_dim", self.hidden_dim, 1)
        runtime.check_int("num_epochs", self.num_epochs, 1)
        runtime.check_float("lr", self.lr, 0.0, low_open=True)
        runtime.check_int("batch_size", self.batch_size, 1)
        if self.train_size is not None:
            runtime.check_int("train_size", self.train_size, 1)
        if self.test_size is not None:
            runtime.check_int("test_size", self.test_size, 1)
        runtime.check_int("seed", self.seed, 0)


def config_for(profile: str, **overrides) -> AEConfig:
    """smoke: seconds for tests; quick: the CPU budget; full: a GPU."""
    runtime.check_profile(profile)
    preset = {
        "smoke": dict(num_epochs=1, train_size=1024, test_size=512),
        # 2 epochs: the picture of the latent space is the same as after
        # 3, and the CPU budget for every figure is tight
        "quick": dict(num_epochs=2),
        "full": dict(num_epochs=30),
    }[profile]
    return AEConfig(**{**preset, **overrides})


# --8<-- [start:model]
class Autoencoder(nn.Module):
    """e: image -> code z in R^latent;  d: code -> image."""

    def __init__(self, config: AEConfig):
        super().__init__()
        h, k = config.hidden_dim, config.latent_dim
        self.encoder = nn.Sequential(
            nn.Flatten(),  # (N,1,28,28) -> (N,784)
            nn.Linear(PIXELS, h),  # -> (N,h)
            nn.ReLU(),
            nn.Linear(h, k),  # -> (N,k): the code z = e(x)
        )
        self.decoder = nn.Sequential(
            nn.Linear(k, h),  # (N,k) -> (N,h)
            nn.ReLU(),
            nn.Linear(h, PIXELS),  # -> (N,784)
            nn.Sigmoid(),  # pixels in [0, 1]
            nn.Unflatten(1, (1, 28, 28)),  # -> (N,1,28,28): x_hat = d(z)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))
# --8<-- [end:model]


# --8<-- [start:loss]
def reconstruction_loss(x: torch.Tensor, x_hat: torch.Tensor):
    """l = ||x - x_hat||^2 = ||x - d(e(x))||^2, averaged over the batch.

    Summed over the 784 pixels, so it is "squared error per image"
    (the loss of Hinton & Salakhutdinov 2006, Science 313).
    """
    return (x - x_hat).pow(2).flatten(1).sum(1).mean()
# --8<-- [end:loss]


def build(config: AEConfig) -> dict[str, nn.Module]:
    return {"ae": Autoencoder(config)}


@torch.no_grad()
def evaluate(model: Autoencoder, images: torch.Tensor) -> float:
    """Mean squared error per image (summed over pixels) on images."""
    model.eval()
    total = sum((x - model(x)).pow(2).sum().item()
                for x in images.split(2000))
    return total / len(images)


def train(config: AEConfig, *, device: str = "auto",
          progress: bool = True) -> loop.Run:
    """Fit the autoencoder; report the test reconstruction error."""
    runtime.set_seed(config.seed)
    dev = runtime.resolve_device(device)
    x_train = data.subset(data.load("fashion-mnist", "train"),
                          config.train_size, config.seed).images
    x_test = data.subset(data.load("fashion-mnist", "test"),
                         config.test_size, config.seed).images
    model = build(config)["ae"].to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    batches = data.Batches(x_train.to(dev), batch_size=config.batch_size,
                           generator=torch.Generator().manual_seed(
                               config.seed))

    def step(x):
        loss = reconstruction_loss(x, model(x))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"loss": loss.item()}

    per_epoch: dict[str, list[float]] = {"test_recon": []}

    def test_epoch(state: loop.State) -> None:
        per_epoch["test_recon"].append(evaluate(model, x_test.to(dev)))
        model.train()

    state = loop.fit(
        step, batches, num_epochs=config.num_epochs, on_epoch=[test_epoch],
        progress=loop.Progress(every=100, label="ae") if progress else None,
    )
    model = model.cpu().eval()
    metrics = {"test_recon": per_epoch["test_recon"][-1],
               "test_mse_pixel": per_epoch["test_recon"][-1] / PIXELS}
    return loop.Run(config=config, models={"ae": model},
                    history={**state.history, **per_epoch}, metrics=metrics,
                    seconds=state.seconds, device=runtime.device_name(dev))


RUNS = {
    "ae2d": lambda profile: config_for(profile),
    "ae": lambda profile: config_for(profile, latent_dim=20),
}
