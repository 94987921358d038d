"""The original GAN: an MLP generator and discriminator.

Goodfellow et al. 2014, "Generative Adversarial Nets". D learns to tell
real data from G's samples; G learns to fool D. Trained here on 2-D toy
mixtures (ring, grid: where mode collapse can be counted) and on
Fashion-MNIST. The losses and the training procedure (k D updates, then
G) are in gen_src.adversarial, shared with gen_src.dcgan. Taught on the
page "GAN".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
from torch import nn

from . import adversarial, modes, runtime, toy
from .train import Run

DATASETS = ("ring", "grid", "fashion-mnist")
IMAGE_SHAPE = (1, 28, 28)


@dataclass(frozen=True, kw_only=True)
class GANConfig:
    dataset: str = "ring"  # ring / grid (PacGAN toy) or fashion-mnist
    loss: str = "nonsaturating"  # G's loss; minimax saturates early on
    d_steps: int = 1  # k: D updates per round (Algorithm 1)
    g_steps: int = 1  # G updates per round; >= 2 for order="g_heavy"
    order: str = "d_first"  # d_first = min-max; g_first/g_heavy: G leads
    latent_dim: int = 2  # 2-D noise is enough for 2-D data
    hidden: tuple[int, ...] = (128, 128, 128)  # G's widths; D: reversed
    dropout: float = 0.0  # in D; Goodfellow et al. used it on images
    lr: float = 2e-3  # Adam, for both networks
    lr_cooldown: float = 0.3  # last 30%: lr falls linearly to 0, to settle
    # no momentum: it feeds the rotation of the two-player game (Gidel
    # et al. 2019); (0, 0.9) as in Gulrajani et al. 2017
    betas: tuple[float, float] = (0.0, 0.9)
    batch_size: int = 512  # m in Algorithm 1
    num_steps: int = 2500  # rounds of training (toy data)
    num_epochs: int = 1  # passes over the images (fashion-mnist)
    train_size: int | None = None  # images used (None = whole set)
    snapshot_every: int = 500  # rounds between sample snapshots
    num_samples: int = modes.NUM_SAMPLES  # samples scored / for FD
    seed: int = 0

    def __post_init__(self):
        runtime.check_choice("dataset", self.dataset, DATASETS)
        adversarial.check_schedule(self)
        for name in ("latent_dim", "batch_size", "num_steps",
                     "num_epochs", "snapshot_every", "num_samples"):
            runtime.check_int(name, getattr(self, name), 1)
        if not self.hidden:
            raise ValueError("hidden=() is out of range: give at least "
                             "one layer width")
        for width in self.hidden:
            runtime.check_int("hidden", width, 1)
        if self.train_size is not None:
            runtime.check_int("train_size", self.train_size, 1)
        runtime.check_float("dropout", self.dropout, 0.0, 0.9)
        runtime.check_float("lr", self.lr, 0.0, low_open=True)
        runtime.check_float("lr_cooldown", self.lr_cooldown, 0.0, 1.0)
        for beta in self.betas:
            runtime.check_float("betas", beta, 0.0, 1.0)
        runtime.check_int("seed", self.seed, 0)

    @property
    def is_toy(self) -> bool:
        return self.dataset in toy.TOY_DATASETS


def config_for(profile: str, **overrides) -> GANConfig:
    """smoke: seconds for tests; quick: the CPU budget; full: a GPU."""
    runtime.check_profile(profile)
    if overrides.get("dataset") == "fashion-mnist":
        presets = {
            "smoke": dict(train_size=512, batch_size=64, num_samples=500),
            "quick": dict(num_epochs=2, hidden=(128, 256)),  # CPU budget
            "full": dict(num_epochs=30),
        }[profile]
        # Goodfellow et al. used dropout in D for images; without it D
        # wins within an epoch and G's samples stay noise
        presets = {**dict(latent_dim=64, hidden=(256, 512), lr=5e-4,
                          betas=(0.5, 0.999), dropout=0.3, batch_size=128,
                          num_samples=5000), **presets}
    else:
        presets = {
            "smoke": dict(num_steps=60, batch_size=64, snapshot_every=20),
            "quick": dict(num_steps=1500, batch_size=256,
                          snapshot_every=250),
            "full": dict(num_steps=5000, snapshot_every=1000),
        }[profile]
    return GANConfig(**{**presets, **overrides})


# --8<-- [start:generator]
class Generator(nn.Module):
    """z (B, latent_dim) -> x (B, *out_shape), an MLP."""

    def __init__(self, latent_dim: int, hidden: tuple[int, ...],
                 out_shape: tuple[int, ...], tanh: bool):
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

    def __init__(self, in_shape: tuple[int, ...], hidden: tuple[int, ...],
                 dropout: float = 0.0):
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
    return {
        "G": Generator(config.latent_dim, config.hidden, shape,
                       tanh=not config.is_toy),
        "D": Discriminator(shape, tuple(reversed(config.hidden)),
                           config.dropout),
    }


def train(config: GANConfig, *, device: str = "auto",
          progress: bool = True) -> Run:
    """Train the MLP GAN on config.dataset (adversarial.train_adversarial)."""
    runtime.set_seed(config.seed)
    return adversarial.train_adversarial(
        config, build(config), device=device, progress=progress,
        label=f"gan-{config.dataset}")


def score(run: Run, classifier_run: Run) -> dict[str, float]:
    """Fréchet distance of G's samples to real test images, beside the
    real-vs-real floor, in the independent classifier's features."""
    if run.config.dataset != "fashion-mnist":
        return {}  # toy data is scored by modes.score in train()
    from . import classifier

    n = min(run.config.num_samples, 10_000)
    z = adversarial.fixed_noise(n, run.config.latent_dim, run.config.seed + 1)
    fake = adversarial.to_unit(adversarial.generate(run.models["G"], z))
    return classifier.frechet_to_test(classifier_run.models["classifier"],
                                      fake, run.config.seed)


def g_heavy_config(profile: str) -> GANConfig:
    """G moves first, 5 times per D update: near max_D min_G.

    The same number of network updates as toy_ring_ns (2 per round
    there, 6 here), so the same compute budget.
    """
    base = config_for(profile, dataset="ring")
    rounds = max(1, base.num_steps * 2 // 6)
    return replace(
        base, order="g_heavy", g_steps=5, num_steps=rounds,
        snapshot_every=max(1, base.snapshot_every * rounds //
                           base.num_steps))


RUNS = {
    "toy_ring_ns": lambda p: config_for(p, dataset="ring"),
    # D ahead of G (k = 3 updates per round, as Algorithm 1 allows): D then
    # rejects G's samples confidently, just where the minimax loss
    # saturates. Under this same budget the two losses part ways.
    "toy_ring_k3_ns": lambda p: config_for(p, dataset="ring", d_steps=3),
    "toy_ring_k3_mm": lambda p: config_for(p, dataset="ring", d_steps=3,
                                           loss="minimax"),
    "toy_grid_ns": lambda p: config_for(p, dataset="grid"),
    "toy_grid_mm": lambda p: config_for(p, dataset="grid", loss="minimax"),
    "toy_ring_gfirst": g_heavy_config,
    "gan_fmnist": lambda p: config_for(p, dataset="fashion-mnist"),
}
