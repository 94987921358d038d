"""The original GAN: an MLP generator and discriminator.

Goodfellow et al. 2014, "Generative Adversarial Nets". D learns to tell
real data from G's samples; G learns to fool D. Trained here on 2-D toy
mixtures (ring, grid: where mode collapse can be counted) and on
Fashion-MNIST. The training step (k D updates, then G) is shared with
gen_src.dcgan. Taught on the page "GAN".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

from . import data, modes, runtime, toy
from .train import Progress, Run, fit

DATASETS = ("ring", "grid", "fashion-mnist")
LOSSES = ("minimax", "nonsaturating")
ORDERS = ("d_first", "g_first", "g_heavy")
IMAGE_SHAPE = (1, 28, 28)


def check_schedule(config) -> None:
    """Validate loss, order, d_steps and g_steps (GAN and DCGAN)."""
    runtime.check_choice("loss", config.loss, LOSSES)
    runtime.check_choice("order", config.order, ORDERS)
    runtime.check_int("d_steps", config.d_steps, 1)
    runtime.check_int("g_steps", config.g_steps, 1)
    if config.order == "g_heavy" and config.g_steps < 2:
        raise ValueError(
            f"g_steps={config.g_steps} is out of range for order='g_heavy':"
            " it must be an integer of at least 2 (G moves several times"
            " per round)")


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
        check_schedule(self)
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


# The losses take D's logits l, with D = sigmoid(l). Since
# -log sigmoid(l) = softplus(-l) and -log(1 - sigmoid(l)) = softplus(l),
# no log of a rounded probability is ever taken.

# --8<-- [start:d_loss]
def d_loss(real_logits: torch.Tensor,
           fake_logits: torch.Tensor) -> torch.Tensor:
    """D maximises V = E log D(x) + E log(1 - D(G(z))), i.e. minimises

        -[log D(x) + log(1 - D(G(z)))]
        = softplus(-l_real) + softplus(l_fake)

    the binary cross-entropy with labels real = 1, fake = 0
    (Goodfellow et al. 2014, eq. 1 and Algorithm 1).
    """
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
# --8<-- [end:d_loss]


# --8<-- [start:g_loss_minimax]
def g_loss_minimax(fake_logits: torch.Tensor) -> torch.Tensor:
    """G minimises log(1 - D(G(z))) = -softplus(l_fake): the game itself.

    Its gradient in l is -sigmoid(l) = -D(G(z)): it vanishes just when
    D confidently rejects the fakes, i.e. early in training (Goodfellow
    et al. 2014, section 3: "saturates").
    """
    return -F.softplus(fake_logits).mean()
# --8<-- [end:g_loss_minimax]


# --8<-- [start:g_loss_nonsaturating]
def g_loss_nonsaturating(fake_logits: torch.Tensor) -> torch.Tensor:
    """G minimises -log D(G(z)) = softplus(-l_fake) instead.

    Same fixed point, but the gradient in l is -(1 - D(G(z))), close to
    -1 when D rejects the fakes: "much stronger gradients early in
    learning" (Goodfellow et al. 2014, section 3).
    """
    return F.softplus(-fake_logits).mean()
# --8<-- [end:g_loss_nonsaturating]


G_LOSSES = {"minimax": g_loss_minimax,
            "nonsaturating": g_loss_nonsaturating}


# --8<-- [start:step]
def make_step(G: nn.Module, D: nn.Module, config, device: torch.device):
    """One round: k = d_steps D updates, then g_steps G updates.

    Each call gets k mini-batches of real data stacked as one tensor.
    order="d_first" is Goodfellow's Algorithm 1 (min over G of max over
    D); "g_first" and "g_heavy" let G move first (and, for g_heavy, move
    g_steps times per round), closer to max over D of min over G.
    """
    opt_d = torch.optim.Adam(D.parameters(), config.lr, betas=config.betas)
    opt_g = torch.optim.Adam(G.parameters(), config.lr, betas=config.betas)
    g_loss = G_LOSSES[config.loss]

    def noise(n):
        return torch.randn(n, config.latent_dim, device=device)

    def update_d(real):  # G is fixed: no gradient flows into it
        with torch.no_grad():
            fake = G(noise(len(real)))
        real_logits, fake_logits = D(real), D(fake)
        loss = d_loss(real_logits, fake_logits)
        opt_d.zero_grad(set_to_none=True)
        loss.backward()
        opt_d.step()
        return loss.item(), real_logits, fake_logits

    def update_g(n):  # D is fixed: only G's optimiser steps
        loss = g_loss(D(G(noise(n))))
        opt_g.zero_grad(set_to_none=True)
        loss.backward()
        opt_g.step()
        return loss.item()

    def step(real: torch.Tensor) -> dict[str, float]:
        batches = real.to(device).chunk(config.d_steps)
        n = len(batches[0])
        if config.order == "d_first":
            for batch in batches:
                ld, real_logits, fake_logits = update_d(batch)
        for _ in range(config.g_steps):
            lg = update_g(n)
        if config.order != "d_first":
            for batch in batches:
                ld, real_logits, fake_logits = update_d(batch)
        return {
            "d_loss": ld, "g_loss": lg,
            # D's mean verdicts on the last real and fake batch
            "d_real": torch.sigmoid(real_logits).mean().item(),
            "d_fake": torch.sigmoid(fake_logits).mean().item(),
        }

    step.optimizers = (opt_d, opt_g)  # for a learning-rate schedule
    return step
# --8<-- [end:step]


def fixed_noise(n: int, latent_dim: int, seed: int = 0) -> torch.Tensor:
    """The same z every time: for snapshots, grids and scoring."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, latent_dim, generator=gen)


@torch.no_grad()
def generate(G: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """G(z) in eval mode, returned on the CPU; G's mode is restored."""
    was_training = G.training
    out = G.eval()(z.to(next(G.parameters()).device)).cpu()
    G.train(was_training)
    return out


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """Generator output in [-1, 1] back to [0, 1] for plots and scores."""
    return ((images + 1) / 2).clamp(0, 1)


def real_batches(config, device: torch.device) -> data.Batches:
    """k mini-batches of real data per round, as one tensor.

    Toy data: num_steps rounds of fresh samples. Images: Fashion-MNIST
    scaled to [-1, 1] (G ends in tanh), kept on the device.
    """
    gen = torch.Generator().manual_seed(config.seed)
    size = config.batch_size * config.d_steps
    if getattr(config, "is_toy", False):
        points = toy.sample(config.dataset, config.num_steps * size, gen)
        return data.Batches(points, batch_size=size, generator=gen)
    images = data.subset(data.load("fashion-mnist", "train"),
                         config.train_size, config.seed).images
    return data.Batches((images * 2 - 1).to(device), batch_size=size,
                        generator=gen)


def lr_factor(t: int, total: int, cooldown: float) -> float:
    """1 until the last `cooldown` share of the steps, then down to 0."""
    left = (total - t) / max(cooldown * total, 1e-9)
    return min(1.0, max(0.0, left))


def train_adversarial(config, models: dict[str, nn.Module], *, device,
                      progress, label: str) -> Run:
    """Train models G and D with make_step: the MLP GAN and DCGAN."""
    dev = runtime.resolve_device(device)
    G, D = models["G"].to(dev).train(), models["D"].to(dev).train()
    step = make_step(G, D, config, dev)
    is_toy = getattr(config, "is_toy", False)
    batches = real_batches(config, dev)
    epochs = 1 if is_toy else config.num_epochs
    total = len(batches) * epochs
    schedules = [torch.optim.lr_scheduler.LambdaLR(
        opt, lambda t: lr_factor(t, total, config.lr_cooldown))
        for opt in step.optimizers]
    callbacks = [(1, lambda state: [s.step() for s in schedules])]
    if is_toy:  # G(z) for one fixed z along the way, for the figures
        z = fixed_noise(config.num_samples, config.latent_dim, config.seed)
        shots = {0: generate(G, z)}
        callbacks.append((config.snapshot_every, lambda state: shots.update(
            {state.step: generate(G, z)})))
    shown = Progress(every=max(1, total // 10), label=label)
    state = fit(step, batches, num_epochs=epochs, on_step=callbacks,
                progress=shown if progress else None)
    metrics, tensors = {}, {}
    if is_toy:
        shots[state.step] = generate(G, z)
        tensors = {"snapshots": torch.stack(list(shots.values())),
                   "snapshot_steps": torch.tensor(list(shots))}
        metrics = modes.score(shots[state.step], config.dataset)
    metrics["steps"] = state.step
    metrics["seconds_per_step"] = state.seconds / max(state.step, 1)
    return Run(config=config,
               models={k: m.eval().cpu() for k, m in models.items()},
               history=state.history, metrics=metrics, tensors=tensors,
               seconds=state.seconds, device=runtime.device_name(dev))


def train(config: GANConfig, *, device: str = "auto",
          progress: bool = True) -> Run:
    """Train the MLP GAN on config.dataset; see train_adversarial."""
    runtime.set_seed(config.seed)
    return train_adversarial(config, build(config), device=device,
                             progress=progress, label=f"gan-{config.dataset}")


def score(run: Run, classifier_run: Run) -> dict[str, float]:
    """Fréchet distance of G's samples to real test images.

    Features come from the independent Fashion-MNIST classifier. The
    floor is the distance between two disjoint real halves of the same
    size: what a perfect generator would score with this many samples.
    """
    if run.config.dataset != "fashion-mnist":
        return {}  # toy data is scored by modes.score in train()
    from . import classifier

    model = classifier_run.models["classifier"]
    n = min(run.config.num_samples, 5000)
    z = fixed_noise(n, run.config.latent_dim, run.config.seed + 1)
    fake = to_unit(generate(run.models["G"], z))
    test = data.load("fashion-mnist", "test").images
    order = torch.randperm(len(test),
                           generator=torch.Generator().manual_seed(0))
    real_a, real_b = test[order[:n]], test[order[n:2 * n]]
    feats_a = classifier.features(model, real_a)
    return {
        "frechet": classifier.frechet_distance(
            classifier.features(model, fake), feats_a),
        "frechet_floor": classifier.frechet_distance(
            classifier.features(model, real_b), feats_a),
        "frechet_samples": n,
    }


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
    "toy_ring_mm": lambda p: config_for(p, dataset="ring", loss="minimax"),
    "toy_grid_ns": lambda p: config_for(p, dataset="grid"),
    "toy_grid_mm": lambda p: config_for(p, dataset="grid", loss="minimax"),
    "toy_ring_gfirst": g_heavy_config,
    "gan_fmnist": lambda p: config_for(p, dataset="fashion-mnist"),
}
