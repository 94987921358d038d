"""The Dirac GAN's figure: each method's gradient field and its paths.

One panel per method: the direction the players' gradient steps take at
each (theta, psi) (grey arrows, of one length: the direction, not the
speed), the path of simultaneous steps (purple) and of alternating ones
(orange) from the start (a black dot), and the equilibrium (a star). Its
title says how far each path ends from it.
"""

from __future__ import annotations

from .. import dirac_gan
from .common import figure, tr

TITLES = {
    "gan": "GAN",
    "wgan": "WGAN (clipping)",
    "wgan-gp": "WGAN-GP",
    "instance-noise": "instance noise",
    "r1": "R1",
}
COLORS = {"simultaneous": "tab:purple", "alternating": "tab:orange"}


def _distance(end: float) -> str:
    return f"{end:.2f}" if end >= 0.01 else "< 0.01"


def paths(run):
    methods = dirac_gan.METHODS
    fig, axes = figure(
        2.2 * len(methods), 2.9, ncols=len(methods), squeeze=False
    )
    for ax, method in zip(axes[0], methods):
        key = method.replace("-", "_")
        grid = run.tensors[f"field_{key}"].reshape(-1, 4)
        step = grid[:, 2:].norm(dim=1, keepdim=True).clamp_min(1e-9)
        ax.quiver(
            grid[:, 0],
            grid[:, 1],
            grid[:, 2] / step[:, 0],
            grid[:, 3] / step[:, 0],
            color="0.75",
            scale=18,
            width=0.006,
        )
        ends = []
        for mode in dirac_gan.MODES:
            path = run.tensors[f"path_{key}_{mode}"]
            ax.plot(
                path[:, 0],
                path[:, 1],
                color=COLORS[mode],
                lw=0.8,
                label=tr(mode),
            )
            end = run.metrics[f"{key}_{mode}_distance"]
            ends.append(_distance(end))
        ax.plot(
            *run.tensors[f"path_{key}_alternating"][0],
            "o",
            color="black",
            ms=3,
        )
        ax.plot(0, 0, "*", color="tab:green", ms=9)
        ax.set_title(
            f"{tr(TITLES[method])}\n{tr('final distance')} "
            f"{ends[0]} / {ends[1]}",
            fontsize=8,
        )
        ax.set_xlim(-dirac_gan.LIMIT, dirac_gan.LIMIT)
        ax.set_ylim(-dirac_gan.LIMIT, dirac_gan.LIMIT)
        ax.set_aspect("equal")
        ax.tick_params(labelsize=7)
        ax.set_xlabel(r"$\theta$ (G)", fontsize=8)
    axes[0, 0].set_ylabel(r"$\psi$ (D)", fontsize=8)
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


FIGURES = {"dirac_gan_paths": (("dirac_gan",), paths)}
