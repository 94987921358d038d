"""Figures of the autoencoder, VAE and CVAE pages.

Each function takes trained Runs (see FIGURES for which) and returns a
Figure. Images come from the test split; noise comes from seeded
generators, so the same runs always give the same picture.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch

from .. import data, vae
from .common import figure, image_grid, tr

SEED = 0  # fixed noise and fixed test images for every figure
PAD = 1  # pixels between the images of a grid
PALETTE = plt.get_cmap("tab10")


def _test(n: int | None = None):
    test = data.load("fashion-mnist", "test")
    if n is None:
        return test.images, test.labels, test.classes
    return test.images[:n], test.labels[:n], test.classes


def class_names() -> list[str]:
    return [tr(name) for name in data.FASHION_CLASSES]


def fixed_generator() -> torch.Generator:
    return torch.Generator().manual_seed(SEED)


def row_labels(
    ax, labels, count: int, axis: str = "y", fontsize: float = 8
) -> None:
    """Name the rows (or columns) of a grid drawn by image_grid."""
    step = 28 + PAD
    ticks = [PAD + step * i + 14 for i in range(count)]
    ax.set_axis_on()
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, labelsize=fontsize)
    if axis == "y":
        ax.set_yticks(ticks, labels)
        ax.set_xticks([])
    else:
        ax.set_xticks(ticks, labels, rotation=45, ha="right")
        ax.set_yticks([])


def _rows(ax, rows: list[torch.Tensor], labels: list[str]) -> None:
    """Stack equally long image rows into one grid with row labels."""
    image_grid(ax, torch.cat(rows), nrow=len(rows[0]), pad=PAD)
    row_labels(ax, labels, len(rows), fontsize=11)


@torch.no_grad()
def ae_reconstructions(ae2d, ae):
    """Test images, then their reconstructions from 2 and 20 numbers."""
    x, _, _ = _test(10)
    fig, ax = figure(7, 2.6)
    k2, k20 = ae2d.config.latent_dim, ae.config.latent_dim
    _rows(
        ax,
        [x, ae2d.models["ae"](x), ae.models["ae"](x)],
        [
            "$x$",
            f"$d(e(x))$\n$z\\in\\mathbb{{R}}^{{{k2}}}$",
            f"$d(e(x))$\n$z\\in\\mathbb{{R}}^{{{k20}}}$",
        ],
    )
    fig.tight_layout()
    return fig


@torch.no_grad()
def _latent_scatter(ax, encode, title: str) -> None:
    x, y, classes = _test()
    z = encode(x)
    for c, name in enumerate(classes):
        pts = z[y == c]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=1.5,
            alpha=0.5,
            color=PALETTE(c),
            label=tr(name),
            rasterized=True,
        )
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title, fontsize=11)


def _legend(fig, ax) -> None:
    handles, names = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        names,
        loc="center right",
        fontsize=8,
        markerscale=6,
        frameon=False,
    )


def ae_latent(ae2d):
    """Codes z = e(x) of the 10k test images, coloured by class."""
    fig, ax = figure(6, 4.2)
    _latent_scatter(ax, ae2d.models["ae"].encoder, "$z=e(x)$")
    _legend(fig, ax)
    fig.tight_layout(rect=(0, 0, 0.76, 1))
    return fig


@torch.no_grad()
def ae_latent_grid(ae2d, n: int = 15):
    """A regular grid over the box holding the codes, decoded: the codes
    fill only part of the box, and between them decoding gives blends
    and smudges, not garments."""
    model = ae2d.models["ae"]
    x, _, _ = _test()
    z = model.encoder(x)
    low, high = z.min(0).values, z.max(0).values
    u = torch.linspace(0, 1, n)
    z1 = low[0] + (high[0] - low[0]) * u
    z2 = high[1] - (high[1] - low[1]) * u  # top row = largest z_2
    grid = torch.stack(torch.meshgrid(z2, z1, indexing="ij"), -1)
    points = grid.flip(-1).reshape(-1, 2)
    fig, (left, right) = figure(
        9, 4.4, ncols=2, gridspec_kw=dict(width_ratios=(1, 1))
    )
    left.scatter(z[:, 0], z[:, 1], s=1, color="0.6", rasterized=True)
    left.scatter(points[:, 0], points[:, 1], s=6, color="C3", marker="+")
    left.set_xlabel("$z_1$")
    left.set_ylabel("$z_2$")
    image_grid(right, model.decoder(points), nrow=n, pad=PAD)
    right.set_title("$d(z)$", fontsize=11)
    fig.tight_layout()
    return fig


@torch.no_grad()
def vae_reconstructions(run):
    """Test images above, a reconstruction (decoded mean code) below."""
    x, _, _ = _test(10)
    model = run.models["vae"]
    mu, _ = model.encoder(x.flatten(1))
    fig, ax = figure(7, 1.9)
    _rows(ax, [x, model.decode(mu)], ["$x$", "$\\hat{x}$"])
    fig.tight_layout()
    return fig


@torch.no_grad()
def vae_samples(run, n: int = 8):
    """New images: z ~ N(0, I) decoded, n x n."""
    images = vae.sample(run.models["vae"], n * n, fixed_generator())
    fig, ax = figure(4.2, 4.2)
    image_grid(ax, images, nrow=n, pad=PAD)
    ax.set_title("$z\\sim\\mathcal{N}(0,I)$", fontsize=11)
    fig.tight_layout()
    return fig


def latent_ae_vs_vae(ae2d, vae2d):
    """The same test images in both 2-D latent spaces, same scale for
    the VAE as its prior; the dashed circles are 1, 2, 3 sigma of it."""
    fig, (left, right) = figure(10, 4.2, ncols=2)
    _latent_scatter(left, ae2d.models["ae"].encoder, tr("AE: $z=e(x)$"))
    model = vae2d.models["vae"]
    _latent_scatter(
        right,
        lambda x: model.encoder(x.flatten(1))[0],
        tr("VAE: $\\mu(x)$"),
    )
    for r in (1, 2, 3):
        right.add_patch(
            plt.Circle((0, 0), r, fill=False, ls="--", lw=0.8, color="k")
        )
    right.set_aspect("equal", adjustable="datalim")
    _legend(fig, right)
    fig.tight_layout(rect=(0, 0, 0.85, 1))
    return fig


@torch.no_grad()
def vae_manifold(vae2d, n: int = 15):
    """Decoded grid over the prior's quantiles: every point of the box
    is an image, and neighbours change smoothly (Kingma & Welling,
    Fig. 4)."""
    q = torch.distributions.Normal(0.0, 1.0).icdf(
        torch.linspace(0.03, 0.97, n)
    )
    grid = torch.stack(torch.meshgrid(q.flip(0), q, indexing="ij"), -1)
    points = grid.flip(-1).reshape(-1, 2)  # rows: z_2 falls, cols: z_1
    fig, ax = figure(5, 5)
    image_grid(ax, vae2d.models["vae"].decode(points), nrow=n, pad=PAD)
    ax.set_title("$d(\\Phi^{-1}(u_1), \\Phi^{-1}(u_2))$", fontsize=11)
    fig.tight_layout()
    return fig


def _smooth(values: list[float], width: int) -> torch.Tensor:
    v = torch.tensor(values)
    width = max(1, min(width, len(v)))
    kernel = torch.ones(1, 1, width) / width
    return torch.nn.functional.conv1d(v.view(1, 1, -1), kernel)[0, 0]


def vae_losses(run):
    """Reconstruction and KL, per step (thin, and a running mean) and on
    the test set after every epoch (dots)."""
    h = run.history
    steps = len(h["recon"])
    per_epoch = steps / len(h["test_recon"])
    width = max(1, steps // 50)
    fig, axes = figure(8, 3.2, ncols=2)
    for ax, key, label in zip(
        axes,
        ("recon", "kl"),
        ("$\\mathrm{E}_q[-\\log p(x|z)]$", "$D_{KL}(q(z|x)\\,\\|\\,p(z))$"),
    ):
        ax.plot(range(1, steps + 1), h[key], lw=0.5, alpha=0.3, color="C0")
        smooth = _smooth(h[key], width)
        ax.plot(
            torch.arange(len(smooth)) + width,
            smooth,
            color="C0",
            label=tr("train"),
        )
        test = h[f"test_{key}"]
        ax.plot(
            [per_epoch * (i + 1) for i in range(len(test))],
            test,
            "o",
            color="C3",
            label=tr("test"),
        )
        ax.set_xlabel(tr("step"))
        ax.set_title(tr("{} (nats)").format(label), fontsize=11)
        lo = min(smooth.min().item(), min(test))
        hi = max(smooth.max().item(), max(test))
        ax.set_ylim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
        ax.grid(alpha=0.3)
    axes[0].legend(frameon=False)
    fig.tight_layout()
    return fig


FIGURES = {
    "ae_reconstructions": (("ae2d", "ae"), ae_reconstructions),
    "ae_latent": (("ae2d",), ae_latent),
    "ae_latent_grid": (("ae2d",), ae_latent_grid),
    "vae_reconstructions": (("vae",), vae_reconstructions),
    "vae_samples": (("vae",), vae_samples),
    "latent_ae_vs_vae": (("ae2d", "vae2d"), latent_ae_vs_vae),
    "vae_manifold": (("vae2d",), vae_manifold),
    "vae_losses": (("vae",), vae_losses),
}

# the VAE's plane live, and the autoencoder's behind a toggle
WIDGETS = {
    "vae_explorer": (
        "latent",
        "latent_ae_vs_vae",
        (("vae", ("vae2d",)), ("ae", ("ae2d",))),
    ),
}
