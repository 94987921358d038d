"""Figures of the page on evaluating generative models.

The judge is the site's classifier (one for every profile); distances are
taken in its penultimate-layer features. Every number comes from the
trained runs given. Taught on the page docs/evaluation.md.
"""

from __future__ import annotations

import torch

from .. import adversarial, data
from ..classifier import features
from ..metrics.frechet import frechet_distance
from .common import figure, image_grid, per_runs, tr

SIZES = (250, 500, 1000, 2500, 5000, 10_000)


def _fake_images(run, n: int) -> torch.Tensor:
    z = adversarial.fixed_noise(n, run.config.latent_dim, seed=11)
    return adversarial.to_unit(adversarial.generate(run.models["G"], z))


@per_runs
@torch.no_grad()
def _distances(gan_run, judge_run):
    """(model, floor): d^2 at every size of SIZES."""
    judge = judge_run.models["classifier"]
    test = features(judge, data.load("fashion-mnist", "test").images)
    train = features(
        judge, data.load("fashion-mnist", "train").images[:10_000]
    )
    fake = features(judge, _fake_images(gan_run, max(SIZES)))
    model = [frechet_distance(fake[:n], test[:n]) for n in SIZES]
    floor = [frechet_distance(train[:n], test[:n]) for n in SIZES]
    return model, floor


def frechet_vs_samples(gan_run, judge_run):
    """The Fréchet distance depends on the sample size: a model's and the
    real-vs-real floor, both with n images a side (test images as the
    reference)."""
    model, floor = _distances(gan_run, judge_run)
    fig, ax = figure(6.0, 3.6)
    ax.plot(SIZES, model, "o-", label=tr("$G$ vs real"))
    ax.plot(SIZES, floor, "s--", label=tr("real vs real"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("$n$")
    ax.set_ylabel("$d^2$")
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig


@torch.no_grad()
def nearest_training_images(
    gan_run, judge_run, rows: int = 6, neighbours: int = 5
):
    """Generated samples (left column) and their nearest training images
    in the judge's features: copies would show up here."""
    judge = judge_run.models["classifier"]
    train = data.load("fashion-mnist", "train").images
    bank = features(judge, train)
    fake = _fake_images(gan_run, rows)
    nearest = (
        torch.cdist(features(judge, fake), bank)
        .topk(neighbours, largest=False)
        .indices
    )  # (rows, neighbours)
    grid = torch.cat(
        [torch.cat([fake[i : i + 1], train[nearest[i]]]) for i in range(rows)]
    )
    fig, ax = figure(0.7 * (neighbours + 1), 0.75 * rows)
    image_grid(ax, grid, nrow=neighbours + 1, pad=1)
    fig.tight_layout()
    return fig


def iwae_bound(vae_run):
    """The importance-weighted bound L_k of log p(x) against k: L_1 is
    the ELBO; the bound rises towards log p(x)."""
    m = vae_run.metrics
    ks = sorted(int(k[len("iwae_k") :]) for k in m if k.startswith("iwae_k"))
    if not ks:
        samples = getattr(vae_run.config, "iwae_samples", None)
        raise ValueError(
            f"the VAE run has no iwae_k* metrics (iwae_samples={samples}): "
            "train it with iwae_samples > 0 and a Bernoulli likelihood"
        )
    bounds = [m[f"iwae_k{k}"] for k in ks]
    fig, ax = figure(6.0, 3.4)
    ax.plot(ks, bounds, "o-")
    ax.axhline(bounds[0], ls=":", c="0.4", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("$k$")
    ax.set_ylabel("$\\mathcal{L}_k$")
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig


FIGURES = {
    "frechet_vs_samples": (("dcgan", "classifier"), frechet_vs_samples),
    "nearest_training_images": (
        ("dcgan", "classifier"),
        nearest_training_images,
    ),
    "iwae_bound": (("vae",), iwae_bound),
}
