"""Figures of the GAN and DCGAN pages, drawn from trained Runs.

Every figure is deterministic: real points and noise come from seeded
generators. Text on the axes is symbols and numbers only, so the same
picture serves both languages.
"""

from __future__ import annotations

import math

import torch

from .. import adversarial, toy
from ..metrics import modes
from .common import figure, image_grid

REAL_COLOR = "0.6"
FAKE_COLOR = "tab:orange"
LIMITS = toy.LIMITS
# the values at D = 1/2 everywhere (the equilibrium of the game)
LOG2 = math.log(2)


def _real(dataset: str, n: int = 2000) -> torch.Tensor:
    return toy.sample(dataset, n, torch.Generator().manual_seed(1))


def _scatter(ax, dataset: str, fake: torch.Tensor) -> None:
    real = _real(dataset)
    ax.scatter(real[:, 0], real[:, 1], s=4, c=REAL_COLOR, lw=0)
    ax.scatter(fake[:, 0], fake[:, 1], s=1.5, c=FAKE_COLOR, lw=0, alpha=0.6)
    lim = LIMITS[dataset]
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def _score_text(samples: torch.Tensor, dataset: str) -> str:
    m = modes.score(samples, dataset)
    return f"{m['modes']}/{m['num_modes']}  {100 * m['high_quality']:.0f}%"


def _snapshot_rows(runs, row_labels, columns: int = 5):
    """One row per run: its snapshots at evenly spaced steps."""
    fig, axes = figure(
        1.4 * columns,
        1.45 * len(runs) + 0.2,
        nrows=len(runs),
        ncols=columns,
        squeeze=False,
    )
    for row, (run, label) in enumerate(zip(runs, row_labels)):
        shots = run.tensors["snapshots"]
        steps = run.tensors["snapshot_steps"]
        # the start, the first snapshot (where an early collapse shows),
        # then evenly spaced to the end
        last = len(shots) - 1
        rest = torch.linspace(min(1, last), last, columns - 1).round().long()
        for col, i in enumerate([0, *rest.tolist()]):
            ax = axes[row, col]
            _scatter(ax, run.config.dataset, shots[i])
            title = f"$t = {steps[i].item()}$"
            if col == columns - 1:
                title += "\n" + _score_text(shots[i], run.config.dataset)
            ax.set_title(title, fontsize=8)
        if label:
            axes[row, 0].set_ylabel(label, fontsize=9)
    fig.tight_layout()
    return fig


def training_row(run):
    """Real (grey) and generated (orange) points over training."""
    return _snapshot_rows([run], [None])


MINIMAX = r"$\min\ \log(1 - D(G(z)))$"
NONSAT = r"$\min\ -\log D(G(z))$"


def loss_compare(minimax_run, nonsat_run):
    """Same budget, the two generator losses: the collapse picture."""
    return _snapshot_rows([minimax_run, nonsat_run], [MINIMAX, NONSAT])


def _order_label(config) -> str:
    g = f"G^{{{config.g_steps}}}" if config.g_steps > 1 else "G"
    d = f"D^{{{config.d_steps}}}" if config.d_steps > 1 else "D"
    first, second = (d, g) if config.order == "d_first" else (g, d)
    return rf"${first} \to {second}$"


def order_compare(d_first_run, g_first_run):
    """Algorithm 1's order (D, then G) against G moving first."""
    return _snapshot_rows(
        [d_first_run, g_first_run],
        [_order_label(d_first_run.config), _order_label(g_first_run.config)],
    )


def _view(ax, run, n: int = 100):
    """D's view of the plane, with real (white) and fake (black) points:
    D's probability for a GAN, the critic's score (scaled to its range)
    for WGAN-GP. Returns the image, for a colour bar."""
    dataset = run.config.dataset
    lim = LIMITS[dataset]
    raw = adversarial.view(
        run.models["D"], toy.plane(dataset, n), run.config.pack
    ).view(n, n)
    critic = run.config.loss == "wasserstein"
    shown = (
        (raw - raw.min()) / (raw.max() - raw.min() + 1e-12)
        if critic
        else torch.sigmoid(raw)
    )
    im = ax.imshow(  # n x n flat cells: a PNG packs them, not a gradient
        shown.numpy(),
        origin="lower",
        extent=(-lim, lim) * 2,
        cmap="viridis",
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )
    real = _real(dataset, 500)
    fake = run.tensors["snapshots"][-1][:500]
    ax.scatter(
        fake[:, 0],
        fake[:, 1],
        s=6,
        c="black",
        marker="x",
        lw=0.6,
        label="$G(z)$",
    )
    ax.scatter(real[:, 0], real[:, 1], s=3, c="white", lw=0, label="$x$")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    return im


def d_heatmap(run):
    """D(x) over the plane, with real (white) and fake (black) points."""
    fig, ax = figure(4.0, 3.3)
    im = _view(ax, run)
    fig.colorbar(im, ax=ax, label="$D(x)$")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def critic_compare(gan_run, wgan_run):
    """The GAN's D beside WGAN-GP's critic on the same data: D saturates
    to 0 and 1 away from the data; the critic keeps a slope everywhere."""
    fig, axes = figure(6.2, 2.9, ncols=2)
    im = _view(axes[0], gan_run)
    fig.colorbar(im, ax=axes[0], label="$D(x)$", fraction=0.046)
    im = _view(axes[1], wgan_run)
    fig.colorbar(im, ax=axes[1], label="$f(x)$", fraction=0.046)
    axes[0].legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def method_label(config) -> str:
    """GAN, PacGAN4, WGAN-GP, GAN + R1 + EMA: what a toy run trained as."""
    if config.loss == "wasserstein":
        return "WGAN-GP"
    label = f"PacGAN{config.pack}" if config.pack > 1 else "GAN"
    label += " + R1" if config.r1 else ""
    return label + (" + EMA" if config.g_ema else "")


def remedies(*runs):
    """The same data, budget and seed: the GAN and its remedies, a row
    each, samples over training."""
    return _snapshot_rows(list(runs), [method_label(r.config) for r in runs])


def samples_grid(run, n: int = 64, nrow: int = 8):
    """A fixed-noise grid of generated images."""
    z = adversarial.fixed_noise(n, run.config.latent_dim)
    images = adversarial.to_unit(adversarial.generate(run.models["G"], z))
    fig, ax = figure(4.5, 4.5)
    image_grid(ax, images, nrow=nrow)
    fig.tight_layout()
    return fig


def _smooth(values: list[float], window: int) -> torch.Tensor:
    x = torch.tensor(values, dtype=torch.float64)
    window = max(1, min(window, len(x)))
    kernel = torch.ones(1, 1, window, dtype=torch.float64) / window
    return torch.nn.functional.conv1d(x.view(1, 1, -1), kernel).flatten()


def losses(run):
    """D's and G's losses per step, moving averages, with log 2 marks."""
    fig, ax = figure(6.0, 3.5)
    n = len(run.history["d_loss"])
    window = max(1, n // 40)
    for key, label in (("d_loss", "$L_D$"), ("g_loss", "$L_G$")):
        raw = torch.tensor(run.history[key])
        ax.plot(range(1, n + 1), raw, lw=0.5, alpha=0.25)
        ax.plot(
            range(window, n + 1),
            _smooth(run.history[key], window),
            lw=1.5,
            label=label,
            color=ax.lines[-1].get_color(),
        )
    ax.axhline(2 * LOG2, ls="--", c="0.4", lw=0.8)
    ax.axhline(LOG2, ls=":", c="0.4", lw=0.8)
    right = ax.get_yaxis_transform()  # x in axes units, y in data units
    ax.text(
        0.99,
        2 * LOG2,
        r"$2\log 2$",
        transform=right,
        ha="right",
        va="bottom",
        fontsize=8,
    )
    ax.text(
        0.99,
        LOG2,
        r"$\log 2$",
        transform=right,
        ha="right",
        va="bottom",
        fontsize=8,
    )
    ax.set_xlabel("$t$")
    ax.legend()
    fig.tight_layout()
    return fig


@torch.no_grad()
def interpolation(run, rows: int = 6, steps: int = 10):
    """Straight lines in z-space, decoded: each row walks z_0 to z_1."""
    ends = adversarial.fixed_noise(2 * rows, run.config.latent_dim, seed=7)
    z0, z1 = ends[:rows], ends[rows:]
    w = torch.linspace(0, 1, steps).view(1, steps, 1)
    z = (1 - w) * z0[:, None] + w * z1[:, None]  # (rows, steps, latent)
    images = adversarial.to_unit(
        adversarial.generate(run.models["G"], z.flatten(0, 1))
    )
    fig, ax = figure(steps * 0.55, rows * 0.6)
    image_grid(ax, images, nrow=steps)
    fig.tight_layout()
    return fig


FIGURES = {
    "gan_ring_training": (("toy_ring_ns",), training_row),
    "gan_grid_training": (("toy_grid_ns",), training_row),
    "gan_loss_compare": (("toy_ring_k3_mm", "toy_ring_k3_ns"), loss_compare),
    "gan_order_compare": (("toy_ring_ns", "toy_ring_gfirst"), order_compare),
    "gan_d_heatmap": (("toy_ring_ns",), d_heatmap),
    "gan_fmnist_samples": (("gan_fmnist",), samples_grid),
    "gan_fmnist_losses": (("gan_fmnist",), losses),
    "gan_fmnist_interpolation": (("gan_fmnist",), interpolation),
    "remedies_ring": (
        ("toy_ring_ns", "toy_ring_pac4", "wgan_ring", "toy_ring_r1"),
        remedies,
    ),
    "remedies_grid": (
        ("toy_grid_ns", "toy_grid_pac4", "wgan_grid", "toy_grid_r1"),
        remedies,
    ),
    "critic_compare": (("toy_ring_ns", "wgan_ring"), critic_compare),
    "wgan_fmnist_samples": (("wgan_fmnist",), samples_grid),
    "dcgan_samples": (("dcgan",), samples_grid),
    "dcgan_losses": (("dcgan",), losses),
    "dcgan_interpolation": (("dcgan",), interpolation),
}
