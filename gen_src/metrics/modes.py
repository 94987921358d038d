"""How many modes of a 2-D mixture a GAN's samples reach.

The PacGAN protocol (Lin et al. 2018, "PacGAN: The power of two samples
in generative adversarial networks"): score 2,500 generated samples. A
sample is *high quality* when it lies within 3 standard deviations of
its nearest mode; a mode is *captured* when it is the nearest mode of at
least one high-quality sample. Counting modes alone is lenient (one
stray sample captures a mode), so the reverse KL of the mode histogram
against the uniform one and the largest mode's share are reported too.
Taught on the page docs/gan.md.
"""

from __future__ import annotations

import math

import torch

from .. import toy

NUM_SAMPLES = 2500  # the PacGAN protocol scores 2,500 samples
HQ_STDS = 3.0  # "high quality": within 3 std of the nearest mode


# --8<-- [start:score]
def score(samples: torch.Tensor, dataset: str) -> dict[str, float]:
    """Mode metrics of samples (N, 2) against the modes of dataset.

    modes: modes captured; num_modes: how many there are;
    high_quality: share of samples within 3 std of their nearest mode;
    reverse_kl: KL(p || uniform) of the histogram p of high-quality
        samples over modes (0 = perfectly even; inf if none is HQ);
    largest_mode_share: the most popular mode's share of that histogram.
    """
    centres = toy.modes(dataset)  # (K, 2)
    num_modes = len(centres)
    dist = torch.cdist(samples.detach().float().cpu(), centres)  # (N, K)
    nearest_dist, nearest = dist.min(dim=1)  # (N,), (N,)
    good = nearest_dist <= HQ_STDS * toy.mode_std(dataset)  # (N,) bool
    counts = torch.bincount(nearest[good], minlength=num_modes).double()
    total = counts.sum().item()
    if total == 0:
        reverse_kl, largest = math.inf, 0.0
    else:
        p = counts / total
        seen = p > 0  # 0 log 0 = 0
        # KL(p || u) = sum_i p_i log(p_i / (1/K)) = sum_i p_i log(K p_i)
        reverse_kl = (p[seen] * (num_modes * p[seen]).log()).sum().item()
        largest = p.max().item()
    return {
        "modes": int((counts > 0).sum().item()),
        "num_modes": num_modes,
        "high_quality": good.double().mean().item(),
        "reverse_kl": reverse_kl,
        "largest_mode_share": largest,
    }


# --8<-- [end:score]
