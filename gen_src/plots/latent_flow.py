"""The figures of flow matching in the VAE's latent space.

latent_flow_samples: the VAE's own samples (codes from its prior N(0, I))
beside the latent flow's (codes from flow matching), through the same
decoder, each with the judge's Fréchet distance. latent_flow_chain: the
flow's codes decoded at every step, from noise (left) to image (right).
"""

from __future__ import annotations

import torch

from .. import latent_flow, vae
from .common import figure, image_grid, tr

SHOWN = 64  # images per panel: 8 x 8
CHAIN = 8  # chains drawn, one per row


def samples(run):
    seed = run.config.seed
    prior = vae.sample(
        run.models["vae"], SHOWN, torch.Generator().manual_seed(seed)
    )
    ours = latent_flow.sample(run, SHOWN, seed + 1)
    m = run.metrics
    fig, axes = figure(8.0, 4.4, ncols=2, squeeze=False)
    titles = (
        tr("VAE: codes from the prior N(0, I)\nFréchet {d:.1f}"),
        tr("latent flow matching: codes from the flow\nFréchet {d:.1f}"),
    )
    for ax, images, title, d in zip(
        axes[0], (prior, ours), titles, (m["prior_frechet"], m["frechet"])
    ):
        image_grid(ax, images, nrow=8)
        ax.set_title(title.format(d=d), fontsize=9)
    fig.tight_layout()
    return fig


def chain(run):
    steps = latent_flow.sample(run, CHAIN, run.config.seed + 1, path=True)
    n = steps.shape[0]  # sample_steps + 1 points in time
    rows = [steps[:, i] for i in range(CHAIN)]  # each (n, 1, 28, 28)
    fig, axes = figure(1.0 + 0.75 * n, 0.8 * CHAIN + 0.6, squeeze=False)
    image_grid(axes[0, 0], torch.cat(rows), nrow=n)
    axes[0, 0].set_title(
        tr("t from 0 (noise, decoded) to 1 (a sample), {n} steps").format(
            n=n - 1
        ),
        fontsize=9,
    )
    fig.tight_layout()
    return fig


FIGURES = {
    "latent_flow_samples": (("latent_flow",), samples),
    "latent_flow_chain": (("latent_flow",), chain),
}
