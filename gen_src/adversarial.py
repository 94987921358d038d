"""The adversarial game: its losses and its training procedure.

Goodfellow et al. 2014, "Generative Adversarial Nets": D maximises
V(D, G) = E log D(x) + E log(1 - D(G(z))) while G minimises it. Here are
D's loss, G's two losses (the minimax one, which saturates, and the
non-saturating one), the alternation of Algorithm 1 (k D updates, then
G), and the loop that trains any pair of networks with it: the MLP GAN
(gen_src.gan) and DCGAN (gen_src.dcgan). Taught on the page docs/gan.md.
"""

from __future__ import annotations

import types
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from . import config as cfg
from . import data, loop, runtime, toy
from .loop import Progress, Run, fit
from .metrics import modes

LOSSES = ("minimax", "nonsaturating")
ORDERS = ("d_first", "g_first", "g_heavy")
DATASETS = (*toy.TOY_DATASETS, *data.DATASETS)


@dataclass(frozen=True, kw_only=True)
class AdversarialConfig(cfg.Config):
    """What every GAN here shares: the game, its schedule, the optimiser.

    Fields left at None are filled by the family (resolve()), because
    their good values differ between 2-D points and images.
    """

    dataset: str = cfg.choice("ring", DATASETS)  # ring / grid or images
    loss: str = cfg.choice("nonsaturating", LOSSES)  # minimax saturates
    d_steps: int = cfg.integer(1, 1)  # k: D updates per round (Alg. 1)
    g_steps: int = cfg.integer(1, 1)  # G updates per round
    order: str = cfg.choice("d_first", ORDERS)  # d_first = min-max
    latent_dim: int = cfg.integer(None, 1)  # the size of z
    lr: float = cfg.real(None, above=0)  # Adam, for both networks
    lr_cooldown: float = cfg.real(0.0, 0, 1)  # last share: lr falls to 0
    betas: tuple[float, float] = cfg.reals(None, 0, 1, length=2)  # Adam
    batch_size: int = cfg.integer(None, 1)  # m in Algorithm 1
    num_epochs: int = cfg.integer(1, 1)  # passes over the images
    train_size: int | None = cfg.integer(None, 1, optional=True)  # None: all
    num_samples: int = cfg.integer(None, 1)  # samples scored / for FD
    seed: int = cfg.integer(0, 0)

    @property
    def is_toy(self) -> bool:
        return self.dataset in toy.TOY_DATASETS

    def check(self) -> None:
        if self.order == "g_heavy" and self.g_steps < 2:
            raise ValueError(
                f"g_steps={self.g_steps} is out of range for "
                "order='g_heavy': it must be an integer of at least 2 "
                "(G moves several times per round)"
            )


# The losses take D's logits l, with D = sigmoid(l). Since
# -log sigmoid(l) = softplus(-l) and -log(1 - sigmoid(l)) = softplus(l),
# no log of a rounded probability is ever taken.


# --8<-- [start:d_loss]
def d_loss(
    real_logits: torch.Tensor, fake_logits: torch.Tensor
) -> torch.Tensor:
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


G_LOSSES = {"minimax": g_loss_minimax, "nonsaturating": g_loss_nonsaturating}


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
        G.train(), D.train()
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
            "d_loss": ld,
            "g_loss": lg,
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


def generate(G: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """G(z) in eval mode, returned on the CPU; G's mode is restored."""
    with loop.evaluating(G):
        return G(z.to(next(G.parameters()).device)).cpu()


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
    if config.is_toy:
        points = toy.sample(config.dataset, config.num_steps * size, gen)
        return data.Batches(points, batch_size=size, generator=gen)
    images = data.subset(
        data.load("fashion-mnist", "train"), config.train_size, config.seed
    ).images
    return data.Batches(
        (images * 2 - 1).to(device), batch_size=size, generator=gen
    )


def lr_factor(t: int, total: int, cooldown: float) -> float:
    """1 until the last `cooldown` share of the steps, then down to 0."""
    left = (total - t) / max(cooldown * total, 1e-9)
    return min(1.0, max(0.0, left))


def cooldown(step, config, total: int) -> list:
    """Schedules that keep the lr of both optimisers of step, then lower
    it linearly to 0 over the last config.lr_cooldown share of the total
    rounds. Call .step() on each after every round."""
    return [
        torch.optim.lr_scheduler.LambdaLR(
            opt, lambda t: lr_factor(t, total, config.lr_cooldown)
        )
        for opt in step.optimizers
    ]


class Replay:
    """What the training replay on the GAN page shows, recorded while
    training: every `every` rounds, G's samples for a fixed z and D's raw
    output (a logit, or a critic's score) on a grid over the plane."""

    POINTS, GRID = 500, 48

    def __init__(self, G: nn.Module, D: nn.Module, config):
        self.G, self.D = G, D
        self.every = max(1, config.num_steps // config.replay_frames)
        self.z = fixed_noise(self.POINTS, config.latent_dim, config.seed + 2)
        self.plane = toy.plane(config.dataset, self.GRID)
        self.frames: dict[int, tuple] = {}
        self(types.SimpleNamespace(step=0))  # before the first round

    def __call__(self, state) -> None:
        if state.step in self.frames:
            return
        device = next(self.D.parameters()).device
        with loop.evaluating(self.D):
            view = self.D(self.plane.to(device)).cpu()
        self.frames[state.step] = (
            generate(self.G, self.z),
            view.view(self.GRID, self.GRID),
        )

    def tensors(self) -> dict[str, torch.Tensor]:
        steps = sorted(self.frames)
        return {
            "replay_steps": torch.tensor(steps),
            "replay_points": torch.stack([self.frames[s][0] for s in steps]),
            "replay_view": torch.stack([self.frames[s][1] for s in steps]),
        }


def train_adversarial(
    config, models: dict[str, nn.Module], *, device, progress, label: str
) -> Run:
    """Train models G and D with make_step: the MLP GAN and DCGAN."""
    dev = runtime.resolve_device(device)
    G, D = models["G"].to(dev).train(), models["D"].to(dev).train()
    step = make_step(G, D, config, dev)
    is_toy = config.is_toy
    batches = real_batches(config, dev)
    epochs = 1 if is_toy else config.num_epochs
    total = len(batches) * epochs
    schedules = cooldown(step, config, total)
    callbacks = [(1, lambda state: [s.step() for s in schedules])]
    if is_toy:  # G(z) for one fixed z along the way, for the figures
        z = fixed_noise(config.num_samples, config.latent_dim, config.seed)
        shots = {0: generate(G, z)}
        callbacks.append(
            (
                config.snapshot_every,
                lambda state: shots.update({state.step: generate(G, z)}),
            )
        )
        replay = Replay(G, D, config)
        callbacks.append((replay.every, replay))
    shown = Progress(every=max(1, total // 10), label=label)
    state = fit(
        step,
        batches,
        num_epochs=epochs,
        on_step=callbacks,
        progress=shown if progress else None,
    )
    metrics, tensors = {}, {}
    if is_toy:
        shots[state.step] = generate(G, z)
        replay(state)
        tensors = {
            "snapshots": torch.stack(list(shots.values())),
            "snapshot_steps": torch.tensor(list(shots)),
            **replay.tensors(),
        }
        metrics = modes.score(shots[state.step], config.dataset)
    metrics["steps"] = state.step
    metrics["seconds_per_step"] = state.seconds / max(state.step, 1)
    return Run(
        config=config,
        models={k: m.eval().cpu() for k, m in models.items()},
        history=state.history,
        metrics=metrics,
        tensors=tensors,
        seconds=state.seconds,
        device=runtime.device_name(dev),
    )
