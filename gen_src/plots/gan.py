"""Figures of the GAN and DCGAN pages on images, drawn from trained Runs.

Every figure is deterministic: noise comes from seeded generators. Text
on the axes is symbols and numbers only, so the same picture serves both
languages. The figures on 2-D data are in gan_toy.py.
"""

from __future__ import annotations

import math

import torch

from .. import adversarial
from .common import figure, image_grid

# the values at D = 1/2 everywhere (the equilibrium of the game)
LOG2 = math.log(2)


def samples_grid(run, n: int = 64, nrow: int = 8):
    """A fixed-noise grid of generated images."""
    z = adversarial.fixed_noise(n, run.config.latent_dim)
    images = adversarial.to_unit(adversarial.generate(run.models["G"], z))
    fig, ax = figure(4.5, 4.5)
    image_grid(ax, images, nrow=nrow)
    fig.tight_layout()
    return fig


def _smooth(values: list[float], window: int) -> torch.Tensor:
    x = torch.tensor(values, dtype=torch.float64)
    window = max(1, min(window, len(x)))
    kernel = torch.ones(1, 1, window, dtype=torch.float64) / window
    return torch.nn.functional.conv1d(x.view(1, 1, -1), kernel).flatten()


def losses(run):
    """D's and G's losses per step, moving averages, with log 2 marks."""
    fig, ax = figure(6.0, 3.5)
    n = len(run.history["d_loss"])
    window = max(1, n // 40)
    for key, label in (("d_loss", "$L_D$"), ("g_loss", "$L_G$")):
        raw = torch.tensor(run.history[key])
        ax.plot(range(1, n + 1), raw, lw=0.5, alpha=0.25)
        ax.plot(
            range(window, n + 1),
            _smooth(run.history[key], window),
            lw=1.5,
            label=label,
            color=ax.lines[-1].get_color(),
        )
    ax.axhline(2 * LOG2, ls="--", c="0.4", lw=0.8)
    ax.axhline(LOG2, ls=":", c="0.4", lw=0.8)
    right = ax.get_yaxis_transform()  # x in axes units, y in data units
    ax.text(
        0.99,
        2 * LOG2,
        r"$2\log 2$",
        transform=right,
        ha="right",
        va="bottom",
        fontsize=8,
    )
    ax.text(
        0.99,
        LOG2,
        r"$\log 2$",
        transform=right,
        ha="right",
        va="bottom",
        fontsize=8,
    )
    ax.set_xlabel("$t$")
    ax.legend()
    fig.tight_layout()
    return fig


@torch.no_grad()
def interpolation(run, rows: int = 6, steps: int = 10):
    """Straight lines in z-space, decoded: each row walks z_0 to z_1."""
    ends = adversarial.fixed_noise(2 * rows, run.config.latent_dim, seed=7)
    z0, z1 = ends[:rows], ends[rows:]
    w = torch.linspace(0, 1, steps).view(1, steps, 1)
    z = (1 - w) * z0[:, None] + w * z1[:, None]  # (rows, steps, latent)
    images = adversarial.to_unit(
        adversarial.generate(run.models["G"], z.flatten(0, 1))
    )
    fig, ax = figure(steps * 0.55, rows * 0.6)
    image_grid(ax, images, nrow=steps)
    fig.tight_layout()
    return fig


FIGURES = {
    "gan_fmnist_samples": (("gan_fmnist",), samples_grid),
    "gan_fmnist_losses": (("gan_fmnist",), losses),
    "gan_fmnist_interpolation": (("gan_fmnist",), interpolation),
    "wgan_fmnist_samples": (("wgan_fmnist",), samples_grid),
    "dcgan_samples": (("dcgan",), samples_grid),
    "dcgan_losses": (("dcgan",), losses),
    "dcgan_interpolation": (("dcgan",), interpolation),
}
