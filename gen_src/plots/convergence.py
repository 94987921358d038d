"""What the site's own toy runs show about convergence.

One panel per run, over its training rounds: what D says of the real and
the generated points (the mean over each round's batch; a GAN's D(x), a
critic's E D(x) - E D(G(z))), against the share of high-quality samples
of G at each frame of its replay (grey, right axis). A curve that falls
as quality rises is a progress curve; one that stays put while quality
changes is not. A GAN's D, at the equilibrium, says 1/2 of everything.
"""

from __future__ import annotations

import torch

from ..metrics import modes
from .common import figure, tr
from .gan_toy import method_label

SMOOTH = 25  # rounds in each running mean


def _smoothed(values: list[float]) -> torch.Tensor:
    x = torch.tensor(values, dtype=torch.float64)
    k = min(SMOOTH, len(x))
    kernel = torch.ones(1, 1, k, dtype=torch.float64) / k
    return torch.nn.functional.conv1d(x.view(1, 1, -1), kernel).flatten()


def quality(run) -> tuple[torch.Tensor, torch.Tensor]:
    """(the rounds of the replay's frames, G's high-quality share at
    each)."""
    points = run.tensors["replay_points"]
    rounds = torch.linspace(0, run.metrics["steps"], len(points))
    shares = [
        modes.score(p, run.config.dataset)["high_quality"] for p in points
    ]
    return rounds, torch.tensor(shares)


def curves(*runs):
    fig, axes = figure(3.3 * len(runs), 2.9, ncols=len(runs), squeeze=False)
    for ax, run in zip(axes[0], runs):
        h = run.history
        rounds = torch.arange(len(_smoothed(h["d_real"]))) + SMOOTH
        if run.config.loss == "wasserstein":
            gap = [r - f for r, f in zip(h["d_real"], h["d_fake"])]
            ax.plot(
                rounds,
                _smoothed(gap),
                color="tab:purple",
                label=r"$E\,D(x) - E\,D(G(z))$",
            )
            ax.axhline(0, color="0.3", lw=0.8, ls=":")
        else:
            ax.plot(
                rounds,
                _smoothed(h["d_real"]),
                color="tab:blue",
                label=r"$D(x)$, " + tr("real"),
            )
            ax.plot(
                rounds,
                _smoothed(h["d_fake"]),
                color="tab:orange",
                label=r"$D(G(z))$",
            )
            ax.axhline(0.5, color="0.3", lw=0.8, ls=":")
            ax.set_ylim(0.2, 0.8)
        ax.set_title(method_label(run.config), fontsize=9)
        ax.set_xlabel(tr("round"), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, loc="upper right")
        right = ax.twinx()
        at, share = quality(run)
        right.plot(at, 100 * share, color="0.55", ls="--", lw=1)
        right.set_ylim(0, 100)
        right.set_ylabel(tr("high quality (%)"), fontsize=8, color="0.4")
        right.tick_params(labelsize=7, colors="0.4")
    fig.tight_layout()
    return fig


FIGURES = {
    "convergence_curves": (
        ("toy_ring_ns", "toy_ring_r1", "wgan_ring"),
        curves,
    )
}
