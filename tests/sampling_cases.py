"""PyTorch's particles for the live sampler's parity tests (tests/js and
tests/browser): gen_src's own sample() on a run's network, from given
noise and, for DDPM, given kicks, the whole path in data units."""

from __future__ import annotations

import numpy as np
import torch

from gen_src import denoising, diffusion, flow_matching

TOLERANCE = 2e-3  # largest particle gap allowed, in data units
# every sampler, at the still's smoke steps and at the most the page offers
CASES = [
    ("diffusion_ring", "ddpm", 100),
    ("diffusion_ring", "ddim", 10),
    ("diffusion_grid", "ddpm", 20),
    ("diffusion_grid", "ddim", 100),
    ("flow_ring", "euler", 100),
    ("flow_ring", "heun", 10),
    ("flow_grid", "euler", 5),
    ("flow_grid", "heun", 100),
]


def reference(loaded, sampler: str, steps: int, particles: int, seed=7):
    """(noise (N, 2), kicks (K, N, 2), path (steps + 1, N, 2)): noise in
    the model's units, path in the data's, from PyTorch. The noise is not
    the still's, so that the test does not lean on the export's."""
    config = loaded.config
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(particles, 2, generator=gen)
    if isinstance(config, diffusion.DiffusionConfig):
        abar = diffusion.alpha_bar(config.schedule, config.T)
        # DDPM draws a kick at every step but the last, in this order
        kick_seed = seed + 1
        draws = torch.Generator().manual_seed(kick_seed)
        count = steps - 1 if sampler == "ddpm" else 0
        kicks = [torch.randn(z.shape, generator=draws) for _ in range(count)]
        path = diffusion.sample(
            loaded.models["eps"], z, abar, steps, sampler,
            clip=denoising.data_bound(config.dataset),
            generator=torch.Generator().manual_seed(kick_seed), path=True,
        )  # fmt: skip
    else:
        kicks = []
        path = flow_matching.sample(
            loaded.models["velocity"], z, steps, sampler, path=True
        )
    scale = denoising.data_scale(config.dataset)
    kicks = torch.stack(kicks) if kicks else torch.zeros(0, particles, 2)
    return z.numpy(), kicks.numpy(), path.numpy() * scale


def gap(ours, theirs) -> float:
    """The largest distance on either axis between two sets of paths."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    assert np.isfinite(ours).all()
    return float(np.abs(ours - theirs).max())
