"""Precision and recall of generated images, in the judge's features.

Kynkäänniemi et al. 2019 ("Improved Precision and Recall Metric for
Assessing Generative Models"): the real images' manifold is estimated
as the union of balls around each real feature vector, reaching its k-th
nearest real neighbour; precision is the share of generated samples that
fall inside it (are they realistic?), and recall the share of real images
inside the generated samples' manifold, estimated the same way (is all of
the data covered?). A Fréchet distance mixes the two into one number.
Taught on the page docs/evaluation.md, section "Precision and recall".
"""

from __future__ import annotations

import torch

K = 3  # the paper's neighbourhood size


def _radii(feats: torch.Tensor, k: int, chunk: int = 1024) -> torch.Tensor:
    """Distance of each point to its k-th nearest other point."""
    out = []
    for part in feats.split(chunk):
        d = torch.cdist(part, feats)
        out.append(d.kthvalue(k + 1, dim=1).values)  # +1: itself, at 0
    return torch.cat(out)


def _inside(
    points: torch.Tensor,
    centres: torch.Tensor,
    radii: torch.Tensor,
    chunk: int = 1024,
) -> torch.Tensor:
    """For each point: does any centre's ball hold it?"""
    out = []
    for part in points.split(chunk):
        out.append((torch.cdist(part, centres) <= radii[None]).any(dim=1))
    return torch.cat(out)


# --8<-- [start:precision_recall]
def precision_recall(
    real: torch.Tensor, fake: torch.Tensor, k: int = K
) -> dict[str, float]:
    """Precision: share of fake inside the real manifold; recall: share
    of real inside the fake manifold (features (N, F), as many of each)."""
    real, fake = real.double(), fake.double()
    precision = _inside(fake, real, _radii(real, k)).double().mean()
    recall = _inside(real, fake, _radii(fake, k)).double().mean()
    return {"precision": precision.item(), "recall": recall.item()}


# --8<-- [end:precision_recall]
