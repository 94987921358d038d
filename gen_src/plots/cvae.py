"""Figures of the CVAE page, drawn from trained Runs, and its live figure.

The CVAE's explorer (WIDGETS) decodes one z under every label in the
reader's browser; its still, cvae_explorer, stands in for it.
"""

from __future__ import annotations

import torch

from .. import cvae, data
from .common import figure, image_grid, tr
from .vae import PAD, class_names, fixed_generator, row_labels

# the code the CVAE's still decodes (where the live figure starts): one
# row, as the live one; more rows would take its page over 700 kB
CVAE_CODES = ((0.0, 0.0),)


@torch.no_grad()
def cvae_class_rows(run, n: int = 10):
    """One row per class: the label asks, z ~ N(0, I) varies the style."""
    model = run.models["cvae"]
    labels = torch.arange(cvae.NUM_CLASSES).repeat_interleave(n)
    images = cvae.sample(model, labels, fixed_generator())
    fig, ax = figure(6, 6.2)
    image_grid(ax, images, nrow=n, pad=PAD)
    row_labels(ax, class_names(), cvae.NUM_CLASSES)
    fig.tight_layout()
    return fig


@torch.no_grad()
def cvae_style(run, n: int = 6):
    """The same z (a row) decoded under every label (a column)."""
    model = run.models["cvae"]
    k = cvae.NUM_CLASSES
    z = torch.randn(n, model.latent_dim, generator=fixed_generator())
    images = model.decode(z.repeat_interleave(k, 0), torch.arange(k).repeat(n))
    fig, ax = figure(6.6, 4.6)
    image_grid(ax, images, nrow=k, pad=PAD)
    row_labels(ax, class_names(), k, axis="x")
    ax.set_ylabel("$z$")
    fig.tight_layout()
    return fig


@torch.no_grad()
def cvae_explorer(run):
    """The code z = (0, 0) decoded under every label, as the live figure
    first shows it."""
    model = run.models["cvae"]
    k = cvae.NUM_CLASSES
    z = torch.tensor(CVAE_CODES, dtype=torch.float32)
    if model.latent_dim != z.shape[1]:
        raise ValueError("the CVAE explorer's still needs a 2-D latent space")
    images = model.decode(
        z.repeat_interleave(k, 0), torch.arange(k).repeat(len(z))
    )
    fig, ax = figure(6.6, 1.0 + 0.62 * len(z))
    image_grid(ax, images, nrow=k, pad=1)
    step = 29
    ax.set_axis_on()
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, labelsize=7)
    ax.set_xticks(
        [1 + step * i + 14 for i in range(k)],
        [tr(name) for name in data.FASHION_CLASSES],
        rotation=45,
        ha="right",
    )
    ax.set_yticks(
        [1 + step * i + 14 for i in range(len(z))],
        [f"$z=({a:g}, {b:g})$" for a, b in CVAE_CODES],
    )
    fig.tight_layout()
    return fig


FIGURES = {
    "cvae_class_rows": (("cvae",), cvae_class_rows),
    "cvae_style": (("cvae",), cvae_style),
    "cvae_explorer": (("cvae2d",), cvae_explorer),
}
# one z under every label, live
WIDGETS = {
    "cvae_explorer": (
        "conditional",
        "cvae_explorer",
        (("cvae", ("cvae2d",)),),
    ),
}
