"""DCGAN: the GAN with convolutional networks, sized for 28x28 images.

Radford, Metz and Chintala 2015, "Unsupervised Representation Learning
with Deep Convolutional Generative Adversarial Networks", section 3:
strided convolutions instead of pooling, batch norm in both networks
(not on G's output nor D's input), ReLU in G with tanh on the output,
LeakyReLU(0.2) in D, no fully connected hidden layers, Adam with
lr 2e-4 and beta1 0.5. Only the networks live here: the losses and the
training step are gen_src.adversarial's. Taught on the page docs/dcgan.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import adversarial, adversarial_training, runtime
from . import config as cfg
from .loop import Run
from .metrics import frechet


@dataclass(frozen=True, kw_only=True)
class DCGANConfig(adversarial.AdversarialConfig):
    """The paper's settings by default; the profiles change a few."""

    dataset: str = cfg.choice("fashion-mnist", ("fashion-mnist",))
    latent_dim: int = cfg.integer(64, 1)  # the paper used 100; 64 is plenty
    channels: int = cfg.integer(64, 1)  # G: 2c -> c channels; D: c -> 2c
    lr: float = cfg.real(2e-4, above=0)  # the paper's Adam settings
    betas: tuple[float, float] = cfg.reals((0.5, 0.999), 0, 1, length=2)
    batch_size: int = cfg.integer(128, 1)  # the paper's mini-batch size
    # samples for the Fréchet distance: one n for every image model
    num_samples: int = cfg.integer(frechet.NUM_IMAGES, 1)


def config_for(profile: str, **overrides) -> DCGANConfig:
    """smoke: seconds for tests; quick: the CPU budget; full: the
    published site (a cold build in 40 min on 2 CPU cores)."""
    return DCGANConfig(
        **cfg.preset(
            profile,
            {
                "smoke": dict(
                    train_size=256, batch_size=32, channels=8, num_samples=500
                ),
                # half the channels, small batches, a higher lr: 1,200 steps,
                # garments in about 28 s on 2 CPU cores (more steps beat wider
                # batches at a fixed budget)
                "quick": dict(
                    channels=32, batch_size=32, lr=5e-4, train_size=38400
                ),
                "full": dict(num_epochs=5),
            },
            **overrides,
        )
    )


# --8<-- [start:generator]
class Generator(nn.Module):
    """z (B, latent_dim) -> image (B, 1, 28, 28) in [-1, 1]."""

    def __init__(self, latent_dim: int, channels: int = 64):
        super().__init__()
        c = channels
        self.net = nn.Sequential(
            # (B, latent_dim, 1, 1): z as a 1x1 image with many channels
            nn.ConvTranspose2d(latent_dim, 2 * c, 7, 1, 0, bias=False),
            nn.BatchNorm2d(2 * c),
            nn.ReLU(),  # (B, 2c, 7, 7): the "project and reshape" step
            nn.ConvTranspose2d(2 * c, c, 4, 2, 1, bias=False),
            nn.BatchNorm2d(c),
            nn.ReLU(),  # (B, c, 14, 14): stride 2 doubles the size
            nn.ConvTranspose2d(c, 1, 4, 2, 1),
            nn.Tanh(),  # (B, 1, 28, 28): no batch norm on the output
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z[:, :, None, None])


# --8<-- [end:generator]


# --8<-- [start:discriminator]
class Discriminator(nn.Module):
    """image (B, m, 28, 28) -> a logit (B,); no pooling, no linear.

    m = 1, or PacGAN's pack size (m images side by side as channels).
    norm: batch norm, as in DCGAN; a WGAN-GP critic takes a per-image
    norm instead, since batch norm would mix the images it judges.
    """

    def __init__(
        self, channels: int = 64, in_channels: int = 1, norm=nn.BatchNorm2d
    ):
        super().__init__()
        c = channels
        self.net = nn.Sequential(
            # (B, m, 28, 28): no norm on the input layer
            nn.Conv2d(in_channels, c, 4, 2, 1),
            nn.LeakyReLU(0.2),  # (B, c, 14, 14): stride 2 halves it
            nn.Conv2d(c, 2 * c, 4, 2, 1, bias=False),
            norm(2 * c),
            nn.LeakyReLU(0.2),  # (B, 2c, 7, 7)
            nn.Conv2d(2 * c, 1, 7, 1, 0),  # (B, 1, 1, 1): one logit
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).flatten()


# --8<-- [end:discriminator]


def init_weights(module: nn.Module) -> None:
    """Weights from N(0, 0.02), as in the paper (section 4)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def build(config: DCGANConfig) -> dict[str, nn.Module]:
    G = Generator(config.latent_dim, config.channels)
    D = Discriminator(config.channels, in_channels=config.pack)
    G.apply(init_weights)
    D.apply(init_weights)
    return {"G": G, "D": D}


def train(
    config: DCGANConfig, *, device: str = "auto", progress: bool = True
) -> Run:
    """Train with adversarial.make_step (as the MLP GAN is trained)."""
    runtime.set_seed(config.seed)
    return adversarial_training.train_adversarial(
        config, build(config), device=device, progress=progress, label="dcgan"
    )


score = adversarial.frechet_scores  # with the real-vs-real floor

# training time against a toy GAN's on the ring, as measured under each
# profile (full: two runs side by side on 2 cores, 2026-12-05)
COST = {"dcgan": {"quick": 6, "full": 12}}
RUNS = {"dcgan": lambda p: config_for(p)}
