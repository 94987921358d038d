"""More figures of diffusion: the forward process on images (a formula:
nothing is trained; on the latent diffusion page), and the learned
fields as arrows (on the diffusion page).

diffusion_images_forward: Fashion-MNIST test images noised by the
closed-form forward process at several times, with the schedule the
2-D runs train with. diffusion_fields: the trained networks' fields on
the ring's plane, from noise (left) to data (right): the score that the
diffusion network implies, -eps / sqrt(1 - abar_t), and flow matching's
velocity v(x, t); an arrow's length is the square root of the field's,
scaled per panel.
"""

from __future__ import annotations

import torch

from .. import data, diffusion, toy
from .common import figure, image_grid, tr
from .vae import PAD

PROGRESS = (0.0, 0.25, 0.5, 0.75, 0.95)  # from noise (0) towards data (1)
ARROWS = 13  # a side
IMAGES = 6


def images_forward(run):
    config = run.config
    abar = diffusion.alpha_bar(config.schedule, config.T)
    x0 = data.load("fashion-mnist", "test").images[:IMAGES] * 2 - 1
    eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(0))
    times = [0, config.T // 10, config.T // 4, config.T // 2, config.T]
    columns = []
    for t in times:
        steps = torch.full((IMAGES,), t)
        xt = diffusion.forward_sample(
            x0.flatten(1), steps, eps.flatten(1), abar
        )
        columns.append((xt.view_as(x0).clamp(-1, 1) + 1) / 2)
    images = torch.stack(columns, 1).flatten(0, 1)  # a row per image
    fig, ax = figure(1.3 * len(times), 1.25 * IMAGES + 0.5)
    image_grid(ax, images, nrow=len(times), pad=PAD)
    step = 28 + PAD
    ax.set_axis_on(), ax.set_yticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, labelsize=8)
    ax.set_xticks(
        [PAD + step * i + 14 for i in range(len(times))],
        [f"t = {t}" for t in times],
    )
    fig.tight_layout()
    return fig


@torch.no_grad()
def fields(diffusion_ring, flow_ring):
    lim = toy.LIMITS["ring"] * 1.4
    scale = diffusion.denoising.data_scale("ring")
    axis = torch.linspace(-lim, lim, ARROWS)
    grid = torch.cartesian_prod(axis, axis)  # data units
    x = grid / scale  # the models' units
    abar = diffusion.alpha_bar(
        diffusion_ring.config.schedule, diffusion_ring.config.T
    )
    T = diffusion_ring.config.T
    fig, axes = figure(
        1.8 * len(PROGRESS), 3.9, nrows=2, ncols=len(PROGRESS), squeeze=False
    )
    for col, s in enumerate(PROGRESS):
        tau = round((1 - s) * T)  # diffusion runs from T down to 0
        eps = diffusion_ring.models["eps"](x, torch.full((len(x),), tau / T))
        score = -eps / (1 - abar[max(tau, 1)].float()).sqrt()
        velocity = flow_ring.models["velocity"](x, torch.full((len(x),), s))
        for row, (arrows, name) in enumerate(
            (
                (score, tr("score (diffusion)")),
                (velocity, tr("velocity (flow)")),
            )
        ):
            ax = axes[row, col]
            length = arrows.norm(dim=1, keepdim=True).clamp_min(1e-8)
            # direction, and the length's square root scaled per panel
            shown = arrows / length * (length / length.max()).sqrt()
            ax.quiver(
                *grid.T, *shown.T, color="0.25", scale=14, width=0.007,
            )  # fmt: skip
            centres = toy.modes("ring")
            ax.scatter(*centres.T, s=10, marker="x", color="tab:red", lw=0.8)
            ax.set_xlim(-lim, lim), ax.set_ylim(-lim, lim)
            ax.set_aspect("equal"), ax.set_xticks([]), ax.set_yticks([])
            if col == 0:
                ax.set_ylabel(name, fontsize=8)
            if row == 0:
                ax.set_title(
                    tr("{s:.0%} of the way to the data").format(s=s),
                    fontsize=8,
                )
    fig.tight_layout()
    return fig


FIGURES = {
    "diffusion_images_forward": (("diffusion_ring",), images_forward),
    "diffusion_fields": (("diffusion_ring", "flow_ring"), fields),
}
