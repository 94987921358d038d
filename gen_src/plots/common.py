"""Helpers shared by the plotting modules."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from torchvision.utils import make_grid


def image_grid(ax, images: torch.Tensor, nrow: int, pad: int = 2) -> None:
    """Show a batch (N, 1, H, W) in [0, 1] as one grey grid on ax."""
    grid = make_grid(
        images.detach().cpu().clamp(0, 1),
        nrow=nrow,
        padding=pad,
        pad_value=0.0,
    )  # white gutters
    ax.imshow(
        grid[0].numpy(), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"
    )
    ax.set_axis_off()


def figure(width: float = 6.0, height: float = 4.0, **kw):
    """A new figure with the site's defaults (language-neutral text)."""
    return plt.subplots(figsize=(width, height), **kw)
