"""The Dirac GAN's figure: each method's gradient field and its paths.

Columns: the methods; rows: simultaneous and alternating steps. Each
panel shows the direction the players' gradient steps take at each
(theta, psi) (grey arrows, of one length: the direction, not the speed),
the path from the start (coloured from start to end), and the
equilibrium (a star). Its title says how far the path ends from it.
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


def paths(run):
    methods, modes = dirac_gan.METHODS, dirac_gan.MODES
    fig, axes = figure(
        2.0 * len(methods),
        2.25 * len(modes),
        nrows=len(modes),
        ncols=len(methods),
        squeeze=False,
        sharex=True,
        sharey=True,
    )
    for col, method in enumerate(methods):
        key = method.replace("-", "_")
        grid = run.tensors[f"field_{key}"].reshape(-1, 4)
        step = grid[:, 2:].norm(dim=1, keepdim=True).clamp_min(1e-9)
        for row, mode in enumerate(modes):
            ax = axes[row, col]
            ax.quiver(
                grid[:, 0],
                grid[:, 1],
                grid[:, 2] / step[:, 0],
                grid[:, 3] / step[:, 0],
                color="0.7",
                scale=22,
                width=0.006,
            )
            path = run.tensors[f"path_{key}_{mode}"]
            ax.scatter(
                path[:, 0],
                path[:, 1],
                c=range(len(path)),
                cmap="plasma",
                s=1.5,
                lw=0,
            )
            ax.plot(*path[0], "o", color="black", ms=3)
            ax.plot(0, 0, "*", color="tab:green", ms=9)
            end = run.metrics[f"{key}_{mode}_distance"]
            shown = f"{end:.2f}" if end >= 0.01 else "< 0.01"
            ax.set_title(
                f"{tr(TITLES[method])}\n{tr('final distance')} {shown}",
                fontsize=8,
            )
            ax.set_xlim(-dirac_gan.LIMIT, dirac_gan.LIMIT)
            ax.set_ylim(-dirac_gan.LIMIT, dirac_gan.LIMIT)
            ax.set_aspect("equal")
            ax.tick_params(labelsize=7)
            if row == len(modes) - 1:
                ax.set_xlabel(r"$\theta$ (G)", fontsize=8)
        axes[0, 0].set_ylabel(
            f"{tr('simultaneous')}\n" + r"$\psi$ (D)", fontsize=8
        )
        axes[1, 0].set_ylabel(
            f"{tr('alternating')}\n" + r"$\psi$ (D)", fontsize=8
        )
    fig.tight_layout()
    return fig


FIGURES = {"dirac_gan_paths": (("dirac_gan",), paths)}
