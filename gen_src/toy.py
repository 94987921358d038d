"""2-D toy data for GAN dynamics, after the PacGAN protocol.

Lin et al. 2018, "PacGAN: The power of two samples in generative
adversarial networks": a ring of 8 Gaussians (std 0.01) on the unit
circle, and a 5x5 grid of 25 Gaussians (std 0.05) at {-4,-2,0,2,4}^2.
Taught on the page docs/gan.md.
"""

from __future__ import annotations

import math

import torch

TOY_DATASETS = ("ring", "grid")


def modes(name: str) -> torch.Tensor:
    """The mode centres, shape (K, 2)."""
    if name == "ring":
        angles = torch.arange(8) * (2 * math.pi / 8)
        return torch.stack([angles.cos(), angles.sin()], dim=1)
    if name == "grid":
        axis = torch.tensor([-4.0, -2.0, 0.0, 2.0, 4.0])
        xs, ys = torch.meshgrid(axis, axis, indexing="ij")
        return torch.stack([xs.flatten(), ys.flatten()], dim=1)
    raise ValueError(
        f"toy dataset={name!r} is unknown; choose one of "
        f"{', '.join(TOY_DATASETS)}"
    )


def mode_std(name: str) -> float:
    """The standard deviation of every Gaussian in the mixture."""
    modes(name)  # validates the name
    return 0.01 if name == "ring" else 0.05


def sample(name: str, n: int, generator: torch.Generator | None = None):
    """n points from the mixture, each mode equally likely."""
    centres = modes(name)
    pick = torch.randint(len(centres), (n,), generator=generator)
    noise = torch.randn(n, 2, generator=generator)
    return centres[pick] + mode_std(name) * noise


# How far the plots and the replay look around each mixture.
LIMITS = {"ring": 1.5, "grid": 5.5}


def plane(name: str, n: int) -> torch.Tensor:
    """An n x n grid of points over the view of dataset name, (n * n, 2),
    row by row from the bottom (y rises with the row, x with the column)."""
    if name not in LIMITS:
        raise ValueError(
            f"dataset={name!r} is not 2-D data; choose from {sorted(LIMITS)}"
        )
    lim = LIMITS[name]
    axis = torch.linspace(-lim, lim, n)
    ys, xs = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([xs.flatten(), ys.flatten()], dim=1)
