"""A plain autoencoder: compress x to a code z = e(x), rebuild d(z).

It learns to reconstruct well, but nothing asks its latent space to be
regular: decoding a point that no image was mapped to gives no garment.
That is the problem the VAE solves. The networks match the VAE's
(784-400-latent) so the two latent spaces compare fairly.
Taught on the page docs/autoencoder.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import config as cfg
from . import family, loop

PIXELS = 28 * 28


@dataclass(frozen=True, kw_only=True)
class AEConfig(cfg.TrainingConfig):
    latent_dim: int = cfg.integer(2, 1)  # 2: the latent space can be drawn
    hidden_dim: int = cfg.integer(400, 1)  # the VAE's width: a fair match
    lr: float = cfg.real(1e-3, above=0)  # Adam's usual step size


PRESETS = {
    "smoke": cfg.SMOKE,
    # 2 epochs: the picture of the latent space is as after 3,
    # and the CPU budget for every figure is tight
    "quick": dict(num_epochs=2),
    "full": dict(num_epochs=20),
}


def config_for(profile: str, **overrides) -> AEConfig:
    return AEConfig(**cfg.preset(profile, PRESETS, **overrides))


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
    (the "squared error per image" that Hinton & Salakhutdinov 2006,
    Science 313, report).
    """
    return (x - x_hat).pow(2).flatten(1).sum(1).mean()


# --8<-- [end:loss]


def build(config: AEConfig) -> dict[str, nn.Module]:
    return {"ae": Autoencoder(config)}


def evaluate(model: Autoencoder, images: torch.Tensor) -> float:
    """Mean squared error per image (summed over pixels) on images."""
    with loop.evaluating(model):
        total = sum(
            (x - model(x)).pow(2).sum().item() for x in images.split(2000)
        )
    return total / len(images)


# --8<-- [start:step]
def make_step(model: Autoencoder, config: AEConfig):
    """One Adam update on a mini-batch's reconstruction loss."""
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)

    def step(x: torch.Tensor) -> dict[str, float]:
        model.train()
        loss = reconstruction_loss(x, model(x))
        loop.update(opt, loss)
        return {"loss": loss.item()}

    return step


# --8<-- [end:step]


def test_scores(model, test_set, config) -> dict[str, float]:
    return {"recon": evaluate(model, test_set.images)}


def train(
    config: AEConfig, *, device: str = "auto", progress: bool = True
) -> loop.Run:
    """Fit the autoencoder; report the test reconstruction error."""
    run = loop.train_on_images(
        config,
        "ae",
        build,
        make_step,
        test_scores,
        device=device,
        progress=progress,
    )
    run.metrics["test_mse_pixel"] = run.metrics["test_recon"] / PIXELS
    return run


def explorer(run: loop.Run) -> family.Explorer:
    """The live latent explorer: codes, and a plane that holds them (an
    autoencoder has no prior)."""
    model = run.models["ae"]
    return family.Explorer(
        encode=lambda x, y: model.encoder(x),
        decoder=model.decoder,
        decode=lambda z, y: model.decoder(z),
        sigmoid_after=False,
        prior=False,
    )


# training time against a toy GAN's on the ring, as measured under each
# profile (full: two runs side by side on 2 cores, 2026-12-05)
COST = {"ae": {"full": 2.2}, "ae2d": {"full": 2.7}}
RUNS = {
    "ae2d": lambda profile: config_for(profile),
    "ae": lambda profile: config_for(profile, latent_dim=20),
}
