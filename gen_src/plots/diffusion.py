"""The figures of diffusion and flow matching on the 2-D data.

diffusion_forward: real points of the ring noised by the closed-form
forward process at several times (a formula: nothing is trained).
diffusion_paths: particles carried from the same starting noise to the
data by the trained models, a row per data set: DDPM's ancestral chain
(jittered by its noise), DDIM's deterministic steps on the same network,
and flow matching's Euler steps. diffusion_steps: the high-quality share
against the network evaluations a sample costs, per sampler.

The live sampler (WIDGETS) runs the same networks in the reader's browser
from the same starting noise, with the sampler, data set and steps the
reader picks; diffusion_sampler, the end of each network's path with
every particle, stands in for it.
"""

from __future__ import annotations

import torch

from .. import diffusion, flow_matching, toy
from .common import figure, tr

SHOWN = 60  # paths drawn per panel


def forward(run):
    config = run.config
    abar = diffusion.alpha_bar(config.schedule, config.T)
    gen = torch.Generator().manual_seed(0)
    scale = diffusion.denoising.data_scale("ring")
    x0 = toy.sample("ring", 1000, gen) / scale
    eps = torch.randn(x0.shape, generator=gen)
    times = [0, config.T // 10, config.T // 4, config.T // 2, config.T]
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


def _panel(ax, run, paths, name, evaluations, straight, metrics) -> None:
    p = paths[:, :SHOWN]  # (steps + 1, n, 2)
    ax.plot(p[:, :, 0], p[:, :, 1], color="0.55", lw=0.4, alpha=0.5)
    ax.scatter(*p[0].T, s=2, color="0.4", label=tr("noise"))
    ax.scatter(*p[-1].T, s=3, color="tab:orange", label=tr("sample"))
    centres = toy.modes(run.config.dataset)
    ax.scatter(*centres.T, s=12, marker="x", color="black", lw=0.8)
    title = tr("{name}, {n} steps\nstraightness {s:.2f}")
    if metrics is not None:
        title += tr(", {hq:.0%} high quality").format(
            hq=metrics["high_quality"]
        )
    ax.set_title(
        title.format(name=name, n=evaluations, s=straight), fontsize=8
    )
    lim = toy.LIMITS[run.config.dataset] * 1.6
    ax.set_xlim(-lim, lim), ax.set_ylim(-lim, lim)
    ax.set_aspect("equal"), ax.tick_params(labelsize=7)


def paths(diffusion_ring, flow_ring, diffusion_grid, flow_grid):
    rows = ((diffusion_ring, flow_ring), (diffusion_grid, flow_grid))
    fig, axes = figure(9.0, 6.2, nrows=2, ncols=3, squeeze=False)
    for row, (diff, flow) in zip(axes, rows):
        steps, m, f = diff.config.sample_steps, diff.metrics, flow.metrics
        _panel(
            row[0], diff, diff.tensors["paths"], "DDPM", steps,
            m["straightness"], m,
        )  # fmt: skip
        _panel(
            row[1], diff, diff.tensors["ddim_paths"], "DDIM", steps,
            m["ddim_straightness"], None,
        )  # fmt: skip
        _panel(
            row[2], flow, flow.tensors["paths"], tr("flow matching (Euler)"),
            flow.config.sample_steps, f["straightness"], f,
        )  # fmt: skip
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def sampler_still(diffusion_ring, flow_ring, diffusion_grid, flow_grid):
    """The live sampler's still: each network's scored sampler at the
    build's steps, every particle, as the widget draws them."""
    runs = (diffusion_ring, flow_ring, diffusion_grid, flow_grid)
    fig, axes = figure(9.6, 2.9, ncols=4, squeeze=False)
    for ax, run in zip(axes[0], runs):
        p = run.tensors["paths"]  # (steps + 1, particles, 2)
        ax.scatter(*p[0].T, s=1, color="0.6", alpha=0.6)
        ax.plot(p[:, :SHOWN, 0], p[:, :SHOWN, 1], color="0.55", lw=0.4)
        ax.scatter(*p[-1].T, s=2, color="tab:orange")
        centres = toy.modes(run.config.dataset)
        ax.scatter(*centres.T, s=12, marker="x", color="black", lw=0.8)
        name = tr(SAMPLER_NAMES[run.config.sampler])
        ax.set_title(
            tr("{name}, {n} steps").format(
                name=name, n=run.config.sample_steps
            ),
            fontsize=8,
        )
        lim = toy.LIMITS[run.config.dataset] * 1.6
        ax.set_xlim(-lim, lim), ax.set_ylim(-lim, lim)
        ax.set_aspect("equal"), ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


SAMPLER_NAMES = {
    "ddpm": "DDPM",
    "ddim": "DDIM",
    "euler": "flow matching, Euler",
    "heun": "flow matching, Heun",
}


def steps(diffusion_ring, flow_ring, diffusion_grid, flow_grid):
    """High-quality share against network evaluations per sample."""
    fig, axes = figure(8.0, 3.2, ncols=2, squeeze=False)
    pairs = ((diffusion_ring, flow_ring), (diffusion_grid, flow_grid))
    for ax, runs in zip(axes[0], pairs):
        for run in runs:
            for name in SAMPLER_NAMES:
                key = f"sweep_{name}_high_quality"
                if key not in run.tensors:
                    continue
                n = run.tensors[f"sweep_{name}_steps"]
                cost = [flow_matching.evaluations(int(k), name) for k in n]
                ax.plot(
                    cost, 100 * run.tensors[key], "o-", ms=3, lw=1,
                    label=tr(SAMPLER_NAMES[name]),
                )  # fmt: skip
        ax.set_xscale("log")
        ax.set_ylim(0, 100)
        ax.set_title(tr(runs[0].config.dataset), fontsize=9)
        ax.set_xlabel(tr("network evaluations per sample"), fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0, 0].set_ylabel(tr("high quality (%)"), fontsize=8)
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig


FIGURES = {
    "diffusion_forward": (("diffusion_ring",), forward),
    "diffusion_paths": (
        ("diffusion_ring", "flow_ring", "diffusion_grid", "flow_grid"),
        paths,
    ),
    "diffusion_steps": (
        ("diffusion_ring", "flow_ring", "diffusion_grid", "flow_grid"),
        steps,
    ),
    "diffusion_sampler": (
        ("diffusion_ring", "flow_ring", "diffusion_grid", "flow_grid"),
        sampler_still,
    ),
}
WIDGETS = {
    # a group per network, loaded when the reader picks its sampler or
    # data set: a page loads one network
    "diffusion_sampler": (
        "sampler",
        "diffusion_sampler",
        (
            ("ring_diffusion", ("diffusion_ring",)),
            ("ring_flow", ("flow_ring",)),
            ("grid_diffusion", ("diffusion_grid",)),
            ("grid_flow", ("flow_grid",)),
        ),
    ),
}
