"""Figures of the GAN pages on 2-D data, and their live replays.

Every figure is deterministic: real points and noise come from seeded
generators. Text on the axes is symbols and numbers only, so the same
picture serves both languages. The replays (WIDGETS) play a toy run's
training in the reader's browser; the still gan_replay, the last frame,
stands in for each.
"""

from __future__ import annotations

import torch

from .. import adversarial, toy
from ..metrics import modes
from .common import figure, replay_unit

REAL_COLOR = "0.6"
FAKE_COLOR = "tab:orange"
LIMITS = toy.LIMITS
LOSS_LABELS = {
    "minimax": r"$\min\ \log(1 - D(G(z)))$",
    "nonsaturating": r"$\min\ -\log D(G(z))$",
}


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


@torch.no_grad()
def gan_replay(*runs):
    """The replay's last frame of every run: D's output over the plane
    (dark: "generated", bright: "real"), G's samples (orange) and the
    modes (white). Rows: datasets; columns: the runs of each."""
    rows: dict[str, list] = {}
    for run in runs:
        rows.setdefault(run.config.dataset, []).append(run)
    ncols = max(len(r) for r in rows.values())
    side = 2.0 if ncols <= 2 else 1.4  # heat maps weigh (full-colour PNG)
    fig, axes = figure(
        side * ncols,
        (side + 0.1) * len(rows),
        nrows=len(rows),
        ncols=ncols,
        squeeze=False,
    )
    for row, (dataset, row_runs) in enumerate(rows.items()):
        lim = toy.LIMITS[dataset]
        for col in range(ncols):
            ax = axes[row, col]
            ax.set_xticks([])
            ax.set_yticks([])
            if col >= len(row_runs):
                ax.set_axis_off()
                continue
            run = row_runs[col]
            unit, _ = replay_unit(
                run.config.loss, run.tensors["replay_view"][-1]
            )
            ax.imshow(  # cells as recorded: flat areas weigh little
                unit.numpy(),
                origin="lower",
                extent=(-lim, lim, -lim, lim),
                cmap="viridis",
                vmin=0,
                vmax=1,
                interpolation="nearest",
            )
            pts = run.tensors["replay_points"][-1]
            ax.scatter(pts[:, 0], pts[:, 1], s=1.5, c="tab:orange", lw=0)
            centres = toy.modes(dataset)
            ax.scatter(centres[:, 0], centres[:, 1], s=5, c="white", lw=0)
            ax.set_xlim(-lim, lim)
            ax.set_ylim(-lim, lim)
            ax.set_aspect("equal")
            step = int(run.tensors["replay_steps"][-1])
            label = method_label(run.config)
            if label == "GAN":  # the plain GAN: which of its two losses
                label = LOSS_LABELS.get(run.config.loss, run.config.loss)
            ax.set_title(f"{label}\n$t = {step}$", fontsize=8)
    fig.tight_layout()
    return fig


FIGURES = {
    "gan_ring_training": (("toy_ring_ns",), training_row),
    "gan_grid_training": (("toy_grid_ns",), training_row),
    "gan_loss_compare": (("toy_ring_k3_mm", "toy_ring_k3_ns"), loss_compare),
    "gan_order_compare": (("toy_ring_ns", "toy_ring_gfirst"), order_compare),
    "gan_d_heatmap": (("toy_ring_ns",), d_heatmap),
    "remedies_ring": (
        ("toy_ring_ns", "toy_ring_pac4", "wgan_ring", "toy_ring_r1"),
        remedies,
    ),
    "remedies_grid": (
        ("toy_grid_ns", "toy_grid_pac4", "wgan_grid", "toy_grid_r1"),
        remedies,
    ),
    "critic_compare": (("toy_ring_ns", "wgan_ring"), critic_compare),
    "gan_replay": (
        ("toy_ring_k3_mm", "toy_ring_k3_ns", "toy_grid_mm", "toy_grid_ns"),
        gan_replay,
    ),
    "remedies_replay": (
        (
            "toy_ring_ns",
            "toy_ring_pac4",
            "wgan_ring",
            "toy_ring_r1",
            "toy_grid_ns",
            "toy_grid_pac4",
            "wgan_grid",
            "toy_grid_r1",
        ),
        gan_replay,
    ),
}
WIDGETS = {
    # minimax against non-saturating, one timeline; a remedy adds a group
    # or a run to one
    "gan_replay": (
        "replay",
        "gan_replay",
        (
            ("ring", ("toy_ring_k3_mm", "toy_ring_k3_ns")),
            ("grid", ("toy_grid_mm", "toy_grid_ns")),
        ),
    ),
    # the GAN beside its remedies, the same data, budget and seed
    "remedies_replay": (
        "replay",
        "remedies_replay",
        (
            (
                "ring",
                ("toy_ring_ns", "toy_ring_pac4", "wgan_ring", "toy_ring_r1"),
            ),
            (
                "grid",
                ("toy_grid_ns", "toy_grid_pac4", "wgan_grid", "toy_grid_r1"),
            ),
        ),
    ),
}
