"""The site's live figures (WIDGETS), and the stills that stand in for them.

With JavaScript off, before a live figure's data load, or when they
cannot, its still stands in its place. Each still draws exactly the runs
of its live figure, so the provenance line under it is the live one's. The
VAE's explorer stands on the figure latent_ae_vs_vae (gen_src/plots/vae.py)
and needs no still of its own.
"""

from __future__ import annotations

import torch

from .. import cvae, data, toy
from .common import figure, image_grid, tr
from .gan import method_label

# Generator losses whose D outputs a logit (D = sigmoid(logit)): a replay
# shows D itself, in [0, 1]. Any other (a critic's score, as in WGAN) is
# shown rescaled from its 1st to its 99th percentile over the run.
LOGIT_LOSSES = ("minimax", "nonsaturating")
LOSS_LABELS = {
    "minimax": r"$\min\ \log(1 - D(G(z)))$",
    "nonsaturating": r"$\min\ -\log D(G(z))$",
}
# the code the CVAE's still decodes (where the live figure starts): one
# row, as the live one; more rows would take its page over 700 kB
CVAE_CODES = ((0.0, 0.0),)


def replay_unit(loss: str, view: torch.Tensor):
    """D's raw output on the plane -> values in [0, 1], and the mapping
    used ({"kind", "low", "high"}; the replay widget shows the same)."""
    view = view.double()
    if loss in LOGIT_LOSSES:
        mapping = {"kind": "probability", "low": 0.0, "high": 1.0}
        return torch.sigmoid(view), mapping
    low, high = torch.quantile(
        view.flatten(), torch.tensor([0.01, 0.99], dtype=view.dtype)
    ).tolist()
    high = high if high > low else low + 1.0
    mapping = {"kind": "score", "low": low, "high": high}
    return ((view - low) / (high - low)).clamp(0, 1), mapping


@torch.no_grad()
def cvae_explorer(run):
    """The code z = (0, 0) decoded under every label, as the live figure
    first shows it."""
    model = run.models["cvae"]
    k = cvae.NUM_CLASSES
    z = torch.tensor(CVAE_CODES, dtype=torch.float32)
    if model.latent_dim != z.shape[1]:
        raise ValueError("the CVAE explorer's still needs a 2-D latent space")
    images = model.decode(
        z.repeat_interleave(k, 0), torch.arange(k).repeat(len(z))
    )
    fig, ax = figure(6.6, 1.0 + 0.62 * len(z))
    image_grid(ax, images, nrow=k, pad=1)
    step = 29
    ax.set_axis_on()
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0, labelsize=7)
    ax.set_xticks(
        [1 + step * i + 14 for i in range(k)],
        [tr(name) for name in data.FASHION_CLASSES],
        rotation=45,
        ha="right",
    )
    ax.set_yticks(
        [1 + step * i + 14 for i in range(len(z))],
        [f"$z=({a:g}, {b:g})$" for a, b in CVAE_CODES],
    )
    fig.tight_layout()
    return fig


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
    "cvae_explorer": (("cvae2d",), cvae_explorer),
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

# The live figures (gen_src/family.py; the exporter, export.py, makes the
# data each one's runs need)
WIDGETS = {
    # the VAE's plane, and the autoencoder's behind a toggle
    "vae_explorer": (
        "latent",
        "latent_ae_vs_vae",
        (("vae", ("vae2d",)), ("ae", ("ae2d",))),
    ),
    # one z under every label
    "cvae_explorer": (
        "conditional",
        "cvae_explorer",
        (("cvae", ("cvae2d",)),),
    ),
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
