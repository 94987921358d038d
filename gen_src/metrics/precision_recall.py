"""Precision, recall and coverage of generated images, in the judge's
features.

Kynkäänniemi et al. 2019 ("Improved Precision and Recall Metric for
Assessing Generative Models"): the real images' manifold is estimated
as the union of balls around each real feature vector, reaching its k-th
nearest real neighbour; precision is the share of generated samples that
fall inside it (are they realistic?), and recall the share of real images
inside the generated samples' manifold, estimated the same way (is all of
the data covered?). A Fréchet distance mixes the two into one number.

Recall builds its balls from the generated samples, so samples packed
tightly together (blurry class averages, a collapsed generator) have tiny
balls and recall reads near 0 even when they sit among the real images.
Coverage (Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics
for Generative Models") uses the real balls only: the share of real
images whose ball holds at least one generated sample. Taught on the
page docs/evaluation.md, section "Precision, recall and coverage".
"""

from __future__ import annotations

import torch

K = 3  # Kynkäänniemi et al.'s neighbourhood size
K_COVERAGE = 5  # Naeem et al.'s


def _radii(feats: torch.Tensor, k: int, chunk: int = 1024) -> torch.Tensor:
    """Distance of each point to its k-th nearest other point."""
    out = []
    for part in feats.split(chunk):
        d = torch.cdist(part, feats)
        out.append(d.kthvalue(k + 1, dim=1).values)  # +1: itself, at 0
    return torch.cat(out)


def _near(a, b, radii, own: bool, chunk: int = 1024) -> torch.Tensor:
    """For each point of a: is a point of b within the radius, b's own
    (radii of b: a ball around each of b holds it) or, own, a's?"""
    out = []
    for start in range(0, len(a), chunk):
        part = a[start : start + chunk]
        r = radii[start : start + chunk, None] if own else radii[None]
        out.append((torch.cdist(part, b) <= r).any(dim=1))
    return torch.cat(out)


# --8<-- [start:precision_recall]
def precision_recall(
    real: torch.Tensor, fake: torch.Tensor, k: int = K
) -> dict[str, float]:
    """Precision: share of fake inside the real manifold; recall: share
    of real inside the fake manifold (features (N, F), as many of each);
    coverage: share of real images whose own ball (k = 5) holds a fake."""
    real, fake = real.double(), fake.double()
    real_radii, fake_radii = _radii(real, k), _radii(fake, k)
    precision = _near(fake, real, real_radii, own=False).double().mean()
    recall = _near(real, fake, fake_radii, own=False).double().mean()
    coverage = _near(real, fake, _radii(real, K_COVERAGE), own=True).double()
    return {
        "precision": precision.item(),
        "recall": recall.item(),
        "coverage": coverage.mean().item(),
        # below 1: the samples crowd closer together than real images do
        "radius_ratio": (fake_radii.median() / real_radii.median()).item(),
    }


# --8<-- [end:precision_recall]
