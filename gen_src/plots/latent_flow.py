"""The figures of flow matching in the VAE's latent space.

latent_flow_samples: the VAE's own samples (codes from its prior N(0, I))
beside the latent flow's (codes from flow matching), through the same
decoder, each with the judge's Fréchet distance. latent_flow_chain: the
flow's codes decoded at every step, from noise (left) to image (right).
guidance_sweep: the class-conditional flow's samples of every class
under each guidance scale, from the same noise, and the judge's class
accuracy and Fréchet distance against the scale, beside the CVAE's.
"""

from __future__ import annotations

import torch

from .. import guided_flow, latent_flow, vae
from .common import figure, image_grid, tr
from .vae import PAD, class_names, row_labels

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


def guidance(guided, cvae_run):
    scales = guided.config.guidance
    k = guided_flow.NUM_CLASSES
    labels = torch.arange(k).repeat_interleave(len(scales))
    columns = [
        guided_flow.sample(guided, torch.arange(k), w, guided.config.seed + 1)
        for w in scales
    ]  # one per scale: every class, from the same noise
    images = torch.stack(columns, 1).flatten(0, 1)  # row = class
    assert len(images) == len(labels)
    fig, (left, right) = figure(
        9.4, 5.4, ncols=2, gridspec_kw={"width_ratios": [1, 1.25]}
    )
    image_grid(left, images, nrow=len(scales), pad=PAD)
    row_labels(left, class_names(), k)
    step = 28 + PAD
    left.set_xticks(
        [PAD + step * i + 14 for i in range(len(scales))],
        [f"w = {w:g}" for w in scales],
    )
    m, c = guided.metrics, cvae_run.metrics
    accuracy = [m[f"guidance_{w:g}_class_accuracy"] for w in scales]
    distance = [m[f"guidance_{w:g}_frechet"] for w in scales]
    right.plot(scales, accuracy, "o-", color="tab:blue")
    right.axhline(c["class_accuracy"], ls="--", color="tab:blue", lw=1)
    right.set_xlabel(tr("guidance scale w"))
    right.set_ylabel(tr("class accuracy (judge)"), color="tab:blue")
    right.set_ylim(0, 1.02)
    twin = right.twinx()
    twin.plot(scales, distance, "s-", color="tab:red")
    twin.axhline(c["frechet"], ls="--", color="tab:red", lw=1)
    twin.set_ylabel(tr("Fréchet distance"), color="tab:red")
    twin.set_ylim(0, 1.1 * max(distance + [c["frechet"]]))
    right.set_title(tr("solid: guided latent flow; dashed: CVAE"), fontsize=9)
    fig.tight_layout()
    return fig


FIGURES = {
    "latent_flow_samples": (("latent_flow",), samples),
    "latent_flow_chain": (("latent_flow",), chain),
    "guidance_sweep": (("guided_flow", "cvae"), guidance),
}
