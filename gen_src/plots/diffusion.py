"""The figures of diffusion and flow matching on the 2-D data.

diffusion_forward: real points of the ring noised by the closed-form
forward process at several times (a formula: nothing is trained).
diffusion_paths: particles carried from the same starting noise to the
data by the trained models, a row per data set: DDPM's ancestral chain
(curved, jittered by its noise) beside flow matching's Euler steps.
"""

from __future__ import annotations

import torch

from .. import diffusion, toy
from .common import figure, tr

SHOWN = 150  # paths drawn per panel


def forward(run):
    config = run.config
    abar = diffusion.alpha_bar(config.schedule, config.T)
    gen = torch.Generator().manual_seed(0)
    scale = diffusion.denoising.data_scale("ring")
    x0 = toy.sample("ring", 1000, gen) / scale
    eps = torch.randn(x0.shape, generator=gen)
    times = [0, config.T // 20, config.T // 10, config.T // 4, config.T]
    fig, axes = figure(2.0 * len(times), 2.3, ncols=len(times), squeeze=False)
    for ax, t in zip(axes[0], times):
        xt = diffusion.forward_sample(x0, torch.full((1000,), t), eps, abar)
        ax.scatter(*xt.T, s=1.5, color="tab:blue", alpha=0.5)
        ax.set_title(
            f"t = {t}  ($\\bar\\alpha_t$ = {abar[t].item():.2f})", fontsize=8
        )
        ax.set_xlim(-3.2, 3.2), ax.set_ylim(-3.2, 3.2)
        ax.set_aspect("equal"), ax.set_xticks([]), ax.set_yticks([])
    fig.tight_layout()
    return fig


def paths(diffusion_ring, flow_ring, diffusion_grid, flow_grid):
    rows = ((diffusion_ring, flow_ring), (diffusion_grid, flow_grid))
    fig, axes = figure(6.4, 6.4, nrows=2, ncols=2, squeeze=False)
    for row, runs in zip(axes, rows):
        for ax, run in zip(row, runs):
            p = run.tensors["paths"][:, :SHOWN]  # (steps + 1, n, 2)
            ax.plot(p[:, :, 0], p[:, :, 1], color="0.6", lw=0.4, alpha=0.6)
            ax.scatter(*p[0].T, s=2, color="0.4", label=tr("noise"))
            ax.scatter(*p[-1].T, s=3, color="tab:orange", label=tr("sample"))
            centres = toy.modes(run.config.dataset)
            ax.scatter(*centres.T, s=12, marker="x", color="black", lw=0.8)
            m = run.metrics
            name = "DDPM" if "eps" in run.models else tr("flow matching")
            title = tr(
                "{name}: {modes}/{num} modes, {hq:.0%} high quality\n"
                "{n} network evaluations a sample"
            )
            ax.set_title(
                title.format(
                    name=name, modes=m["modes"], num=m["num_modes"],
                    hq=m["high_quality"], n=m["evaluations"],
                ),
                fontsize=8,
            )  # fmt: skip
            lim = toy.LIMITS[run.config.dataset] * 1.6
            ax.set_xlim(-lim, lim), ax.set_ylim(-lim, lim)
            ax.set_aspect("equal"), ax.tick_params(labelsize=7)
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


FIGURES = {
    "diffusion_forward": (("diffusion_ring",), forward),
    "diffusion_paths": (
        ("diffusion_ring", "flow_ring", "diffusion_grid", "flow_grid"),
        paths,
    ),
}
