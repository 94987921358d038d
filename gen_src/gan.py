"""The original GAN: an MLP generator and discriminator.

Goodfellow et al. 2014, "Generative Adversarial Nets". D learns to tell
real data from G's samples; G learns to fool D. Trained here on 2-D toy
mixtures (ring, grid: where mode collapse can be counted) and on
Fashion-MNIST. The losses and the training procedure (k D updates, then
G) are in gen_src.adversarial, shared with gen_src.dcgan. Taught on the
page docs/gan.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
from torch import nn

from . import adversarial, adversarial_training, data, runtime, toy_training
from . import config as cfg
from .loop import Run
from .metrics import frechet, modes

IMAGE_SHAPE = (1, 28, 28)
R1 = 1.0  # the R1 weight of the toy runs that use it (gamma in the paper)
# and their samples come from an average of G's weights (g_ema): under
# full it lifts the grid's high-quality share from 93.5% to 94.9% (the
# mode benchmark, 5 seeds), at no cost in training
R1_REMEDY = dict(r1=R1, g_ema=0.99)
# Defaults that differ between 2-D points and images.
TOY_DEFAULTS = dict(
    latent_dim=2,  # 2-D noise is enough for 2-D data
    hidden=(128, 128, 128),  # G's widths; D's are reversed
    dropout=0.0,
    lr=2e-3,
    lr_cooldown=0.3,  # the last 30%: lr falls linearly to 0, to settle
    # no momentum: it feeds the rotation of the two-player game (Gidel
    # et al. 2019); (0, 0.9) as in Gulrajani et al. 2017
    betas=(0.0, 0.9),
    batch_size=512,
    num_samples=modes.NUM_SAMPLES,  # the PacGAN protocol scores 2,500
)
IMAGE_DEFAULTS = dict(
    latent_dim=64,
    hidden=(256, 512),
    # Goodfellow et al. used dropout in D for images; without it D's
    # loss falls near 0 within the first few hundred steps
    dropout=0.3,
    lr=5e-4,
    lr_cooldown=0.3,
    betas=(0.5, 0.999),  # Radford et al.'s Adam, as for DCGAN
    batch_size=128,
    # generated images for the Fréchet distance: one n for every model
    num_samples=frechet.NUM_IMAGES,
)


@dataclass(frozen=True, kw_only=True)
class GANConfig(adversarial.AdversarialConfig):
    """The MLP GAN; None fields take TOY_DEFAULTS or IMAGE_DEFAULTS."""

    hidden: tuple[int, ...] = cfg.integers(None, 1)  # G's widths
    dropout: float = cfg.real(None, 0, 0.9)  # in D
    lr_cooldown: float = cfg.real(None, 0, 1)
    num_steps: int = cfg.integer(2500, 1)  # rounds of training (toy data)
    snapshot_every: int = cfg.integer(500, 1)  # rounds between snapshots
    # the training replay on the GAN page: G's samples and D's view of
    # the plane, this many times over training (toy data)
    replay_frames: int = cfg.integer(60, 2)

    def resolve(self) -> None:
        self.fill(**(TOY_DEFAULTS if self.is_toy else IMAGE_DEFAULTS))


def config_for(profile: str, **overrides) -> GANConfig:
    """smoke: seconds for tests; quick: the CPU budget; full: the
    published site (a cold build in 40 min on 2 CPU cores)."""
    if overrides.get("dataset") in data.DATASETS:
        presets = {
            "smoke": dict(train_size=512, batch_size=64, num_samples=500),
            "quick": dict(num_epochs=2, hidden=(128, 256)),  # CPU budget
            "full": dict(num_epochs=15),
        }
    else:
        presets = toy_training.presets(overrides.get("dataset", "ring"))
    return GANConfig(**cfg.preset(profile, presets, **overrides))


# --8<-- [start:generator]
class Generator(nn.Module):
    """z (B, latent_dim) -> x (B, *out_shape), an MLP."""

    def __init__(
        self,
        latent_dim: int,
        hidden: tuple[int, ...],
        out_shape: tuple[int, ...],
        tanh: bool,
    ):
        super().__init__()
        layers, width = [], latent_dim
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]  # (B, h)
            width = h
        layers.append(nn.Linear(width, math.prod(out_shape)))  # (B, D)
        if tanh:  # images live in [-1, 1]; 2-D points are unbounded
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)
        self.out_shape = out_shape

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(-1, *self.out_shape)


# --8<-- [end:generator]


# --8<-- [start:discriminator]
class Discriminator(nn.Module):
    """x (B, *in_shape) -> a logit (B,); D(x) = sigmoid(logit)."""

    def __init__(
        self,
        in_shape: tuple[int, ...],
        hidden: tuple[int, ...],
        dropout: float = 0.0,
    ):
        super().__init__()
        layers, width = [nn.Flatten()], math.prod(in_shape)  # (B, D)
        for h in hidden:
            layers += [nn.Linear(width, h), nn.LeakyReLU(0.2)]  # (B, h)
            if dropout:  # keeps D from memorising the real images
                layers.append(nn.Dropout(dropout))
            width = h
        layers.append(nn.Linear(width, 1))  # (B, 1): a logit, no sigmoid
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


# --8<-- [end:discriminator]


def build(config: GANConfig) -> dict[str, nn.Module]:
    shape = (2,) if config.is_toy else IMAGE_SHAPE
    packed = (config.pack * shape[0], *shape[1:])  # what D sees at once
    return {
        "G": Generator(
            config.latent_dim, config.hidden, shape, tanh=not config.is_toy
        ),
        "D": Discriminator(
            packed, tuple(reversed(config.hidden)), config.dropout
        ),
    }


def train(
    config: GANConfig, *, device: str = "auto", progress: bool = True
) -> Run:
    """Train the MLP GAN on config.dataset (adversarial_training)."""
    runtime.set_seed(config.seed)
    return adversarial_training.train_adversarial(
        config,
        build(config),
        device=device,
        progress=progress,
        label=f"gan-{config.dataset}",
        **toy_training.extras(config),
    )


def train_many(
    configs: list, *, device: str = "auto", progress: bool = True
) -> list[Run]:
    """Runs on the 2-D data that differ only by seed, trained as one
    stack (gen_src.stacking): each as train() gives it alone, up to
    floating-point rounding."""
    return adversarial_training.train_stack(
        configs,
        build,
        device=device,
        progress=progress,
        label=f"gan-{configs[0].dataset}",
    )


score = toy_training.score  # modes on the 2-D data, Fréchet on images


def g_heavy_config(profile: str) -> GANConfig:
    """G moves first, 5 times per D update: near max_D min_G.

    The same number of network updates as toy_ring_ns (2 per round
    there, 6 here), so the same compute budget.
    """
    base = config_for(profile, dataset="ring")
    rounds = max(1, base.num_steps * 2 // 6)
    return replace(
        base,
        order="g_heavy",
        g_steps=5,
        num_steps=rounds,
        snapshot_every=max(1, base.snapshot_every * rounds // base.num_steps),
    )


# training time against a toy GAN's on the ring, as measured under each
# profile (full: two runs side by side on 2 cores, 2026-12-05)
COST = {
    "toy_grid_r1": 3,
    "toy_ring_k3_mm": {"full": 1.8},
    "toy_ring_k3_ns": {"full": 1.8},
    "toy_ring_gfirst": {"full": 1.4},
    "toy_grid_mm": {"full": 0.7},
    "toy_grid_ns": {"full": 0.6},
    "toy_grid_pac4": {"full": 0.6},
}
RUNS = {
    "toy_ring_ns": lambda p: config_for(p, dataset="ring"),
    # D ahead of G (k = 3 updates per round, as Algorithm 1 allows): D then
    # rejects G's samples confidently, just where the minimax loss
    # saturates. Under this same budget the two losses part ways.
    "toy_ring_k3_ns": lambda p: config_for(p, dataset="ring", d_steps=3),
    "toy_ring_k3_mm": lambda p: config_for(
        p, dataset="ring", d_steps=3, loss="minimax"
    ),
    "toy_grid_ns": lambda p: config_for(p, dataset="grid"),
    "toy_grid_mm": lambda p: config_for(p, dataset="grid", loss="minimax"),
    "toy_ring_gfirst": g_heavy_config,
    # PacGAN (Lin et al. 2018): D judges packs of 4 samples
    "toy_ring_pac4": lambda p: config_for(p, dataset="ring", pack=4),
    "toy_grid_pac4": lambda p: config_for(p, dataset="grid", pack=4),
    # R1 (Mescheder et al. 2018): D's gradient on real data is penalised
    "toy_ring_r1": lambda p: config_for(p, dataset="ring", **R1_REMEDY),
    "toy_grid_r1": lambda p: config_for(p, dataset="grid", **R1_REMEDY),
    "gan_fmnist": lambda p: config_for(p, dataset="fashion-mnist"),
}
