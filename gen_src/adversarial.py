"""The adversarial game: its losses and its training procedure.

Goodfellow et al. 2014, "Generative Adversarial Nets": D maximises
V(D, G) = E log D(x) + E log(1 - D(G(z))) while G minimises it. Here are
D's loss, G's two losses (the minimax one, which saturates, and the
non-saturating one), the alternation of Algorithm 1 (k D updates, then
G), packing (PacGAN: D judges m samples at once), each config's method,
and the Fréchet score of a G, shared by the MLP GAN (gen_src.gan), DCGAN
(gen_src.dcgan) and, with its own game, WGAN-GP (gen_src.wgan); the loop
around the step is gen_src.adversarial_training. Taught on the page
docs/gan.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from . import config as cfg
from . import data, loop, stacking, toy

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
    # PacGAN (Lin et al. 2018): D judges m samples at once, all real or
    # all generated, so it can see a lack of diversity; 1: no packing
    pack: int = cfg.integer(1, 1)
    # R1 (Mescheder et al. 2018): D's loss adds r1/2 E ||grad D(x)||^2 on
    # real data, which lets the game settle at its equilibrium; 0: none
    r1: float = cfg.real(0.0, 0)
    # the samples scored are drawn from an exponential moving average of
    # G's weights (Yazici et al. 2019); 0: from G itself
    g_ema: float = cfg.real(0.0, 0, 1)
    seed: int = cfg.integer(0, 0)

    @property
    def is_toy(self) -> bool:
        return self.dataset in toy.TOY_DATASETS

    @property
    def method(self) -> str:
        """What the run trains as, by the benchmark's names: minimax,
        nonsaturating, pacgan4, wgan-gp, nonsaturating-r1 (R1 + EMA)."""
        if self.loss == "wasserstein":
            return "wgan-gp"
        if self.pack > 1:
            return f"pacgan{self.pack}"
        return f"{self.loss}-r1" if self.r1 else self.loss

    def check(self) -> None:
        if self.batch_size % self.pack:
            raise ValueError(
                f"batch_size={self.batch_size} is out of range for "
                f"pack={self.pack}: it must be a multiple of pack (D "
                "judges the batch in packs of pack samples)"
            )
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


@dataclass(frozen=True)
class Game:
    """The two objectives, on D's raw outputs (a logit, or a critic's
    score): critic(D, real, fake) -> (loss, D(real), D(fake)) and
    generator(D, fake) -> loss; verdict maps D's output to what is shown
    (D's probability for a GAN, the score itself for a critic)."""

    critic: Callable
    generator: Callable
    verdict: Callable = torch.sigmoid
    # why the game's runs cannot train as one stack (gen_src.stacking),
    # or None where they can
    unstackable: str | None = None


# --8<-- [start:gan_game]
def gan_game(loss: str, r1: float = 0.0) -> Game:
    """Goodfellow et al.'s game, with G's minimax or non-saturating loss,
    and D's R1 penalty of weight r1 on real data."""

    def critic(D, real, fake):
        if not r1:
            real_logits, fake_logits = D(real), D(fake)
            return d_loss(real_logits, fake_logits), real_logits, fake_logits
        # D's logits and their gradient in x: the vector-Jacobian product
        # with ones is grad_x sum_i D(x_i), each sample's own gradient;
        # it stays differentiable, so the penalty trains D
        real_logits, pullback = torch.func.vjp(D, real)
        (grad,) = pullback(torch.ones_like(real_logits))
        fake_logits = D(fake)
        loss = d_loss(real_logits, fake_logits)
        loss = loss + r1 / 2 * grad.flatten(1).pow(2).sum(1).mean()
        return loss, real_logits, fake_logits

    return Game(critic, lambda D, fake: G_LOSSES[loss](D(fake)))


# --8<-- [end:gan_game]


# --8<-- [start:pack]
def pack(x: torch.Tensor, m: int) -> torch.Tensor:
    """m samples side by side as one input of D (Lin et al. 2018):
    (B, C, ...) -> (B/m, m*C, ...), consecutive samples together."""
    return x.reshape(len(x) // m, m * x.shape[1], *x.shape[2:])


# --8<-- [end:pack]


# --8<-- [start:step]
def make_step(
    G: nn.Module,
    D: nn.Module,
    config,
    device: torch.device,
    game: Game | None = None,
    runs: stacking.Alone | None = None,
):
    """One round: k = d_steps D updates, then g_steps G updates.

    Each call gets k mini-batches of real data stacked as one tensor.
    order="d_first" is Goodfellow's Algorithm 1 (min over G of max over
    D); "g_first" and "g_heavy" let G move first (and, for g_heavy, move
    g_steps times per round), closer to max over D of min over G. D sees
    the samples in packs of config.pack; game is the GAN's by default.
    runs: this run alone (None), or a stack of runs that differ only by
    seed (gen_src.stacking), each with its own loss and its own update.
    """
    runs = runs or stacking.Alone([G, D], device)
    # runs.parameters(i): the weights of [G, D][i], of one run or stacked
    opt_d = torch.optim.Adam(runs.parameters(1), config.lr, betas=config.betas)
    opt_g = torch.optim.Adam(runs.parameters(0), config.lr, betas=config.betas)
    game = game or gan_game(config.loss, config.r1)
    m = config.pack

    def critic(G, D, real, z):  # one run's D loss; no gradient into G
        with torch.no_grad():
            fake = G(z)
        return game.critic(D, pack(real, m), pack(fake, m))

    def update_d(real):
        z = runs.noise(real.shape[runs.dim], config.latent_dim)
        loss, real_out, fake_out = runs.each(critic, real, z)
        loop.update(opt_d, runs.total(loss))  # only D's optimiser steps
        return runs.value(loss), real_out, fake_out

    def update_g(n):  # D is fixed: only G's optimiser steps
        z = runs.noise(n, config.latent_dim)
        loss = runs.each(lambda G, D, z: game.generator(D, pack(G(z), m)), z)
        loop.update(opt_g, runs.total(loss))
        return runs.value(loss)

    def step(real: torch.Tensor) -> dict[str, torch.Tensor]:
        G.train(), D.train()
        batches = real.to(device).chunk(config.d_steps, dim=runs.dim)
        n = batches[0].shape[runs.dim]
        if config.order == "d_first":
            for batch in batches:
                ld, real_out, fake_out = update_d(batch)
        for _ in range(config.g_steps):
            lg = update_g(n)
        if config.order != "d_first":
            for batch in batches:
                ld, real_out, fake_out = update_d(batch)
        return {
            "d_loss": ld,
            "g_loss": lg,
            # D's mean verdicts on the last real and fake batch
            "d_real": runs.value(game.verdict(real_out)),
            "d_fake": runs.value(game.verdict(fake_out)),
        }

    step.optimizers = (opt_d, opt_g)  # for a learning-rate schedule
    return step


# --8<-- [end:step]


def view(D: nn.Module, points: torch.Tensor, m: int = 1) -> torch.Tensor:
    """D's raw output at each of points (P, 2) (a logit, or a critic's
    score); a packed D judges m copies of each point at once."""
    device = next(D.parameters()).device
    with loop.evaluating(D):
        return D(pack(points.repeat_interleave(m, 0), m).to(device)).cpu()


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


def frechet_scores(run: loop.Run, classifier_run: loop.Run) -> dict:
    """Fréchet distance of G's samples to real test images, beside the
    real-vs-real floor, in the independent classifier's features (runs
    on images; toy_training.score counts a toy run's modes)."""
    from .metrics import frechet

    n = min(run.config.num_samples, frechet.NUM_IMAGES)
    z = fixed_noise(n, run.config.latent_dim, run.config.seed + 1)
    fake = to_unit(generate(run.models["G"], z))
    return frechet.frechet_to_test(
        classifier_run.models["classifier"], fake, run.config.seed
    )
