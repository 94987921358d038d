"""The Fréchet distance between generated and real images.

The features are the penultimate layer of the site's own Fashion-MNIST
classifier (gen_src.classifier), trained on real images only: the idea
of FID (Heusel et al. 2017) with a network that knows this dataset,
instead of Inception. The distance is never 0 even between two real sets,
because the samples are finite: every distance is reported beside that
real-vs-real floor, computed with as many images. Taught on the page
docs/evaluation.md, section "The Fréchet distance".
"""

from __future__ import annotations

import torch

from .. import data, runtime
from ..classifier import Classifier, features
from .precision_recall import precision_recall


# --8<-- [start:frechet]
def sqrtm_psd(m: torch.Tensor) -> torch.Tensor:
    """Square root of a symmetric positive semi-definite matrix (eigh)."""
    vals, vecs = torch.linalg.eigh(m)
    return vecs @ torch.diag(vals.clamp(min=0).sqrt()) @ vecs.T


def frechet_distance(feats_a: torch.Tensor, feats_b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets.

    d^2 = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))
    (Fréchet 1957; Dowson & Landau 1982; used as FID by Heusel et al.
    2017). Tr (S_a S_b)^(1/2) = Tr (A S_b A)^(1/2) with A = S_a^(1/2),
    which is symmetric, so an eigendecomposition is enough.
    """
    a, b = feats_a.double(), feats_b.double()
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)
    root_a = sqrtm_psd(cov_a)
    cross = torch.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_sqrt = cross.clamp(min=0).sqrt().sum()
    d2 = (
        (mu_a - mu_b).pow(2).sum()
        + cov_a.trace()
        + cov_b.trace()
        - 2 * trace_sqrt
    )
    return float(d2.clamp(min=0))


# --8<-- [end:frechet]


def test_features(
    judge: Classifier, n: int | None = None, seed: int = 0
) -> torch.Tensor:
    """Features of n test images (all 10k if None): the real reference."""
    test = data.subset(data.load("fashion-mnist", "test"), n, seed)
    return features(judge, test.images)


def real_floor(judge: Classifier, n: int = 10_000, seed: int = 0) -> float:
    """Fréchet distance of n real training images to n test images: what
    a perfect generator would get with this many samples."""
    real = data.subset(data.load("fashion-mnist", "train"), n, seed).images
    a, b = features(judge, real), test_features(judge, n, seed)
    with runtime.threads(1):  # small linear algebra: 1 thread is fastest
        return frechet_distance(a, b)


def _weights_digest(judge: Classifier) -> str:
    import hashlib

    digest = hashlib.sha256()
    for tensor in judge.state_dict().values():
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


_REFERENCES: dict[tuple, tuple] = {}  # (weights, n, seed) -> reference


def _reference(judge: Classifier, n: int, seed: int):
    """The test features and the floor, once per judge and sample size
    in a process: keyed by the judge's weights, so that the same judge
    loaded again for the next run (a build trains many) is a hit."""
    key = (_weights_digest(judge), n, seed)
    if key not in _REFERENCES:
        if len(_REFERENCES) >= 4:  # the oldest goes: 10k features each
            del _REFERENCES[next(iter(_REFERENCES))]
        _REFERENCES[key] = (
            test_features(judge, n, seed),
            real_floor(judge, n, seed),
        )
    return _REFERENCES[key]


# Every image model is scored with as many generated images as the test
# set has (10,000): the distance's bias depends on n, so distances with
# different n do not compare (the page's section "sample size").
NUM_IMAGES = 10_000
PR_SAMPLES = 5000  # enough for k-NN manifolds, and seconds on a CPU


def frechet_to_test(
    judge: Classifier, images01: torch.Tensor, seed: int = 0
) -> dict[str, float]:
    """Fréchet distance of images to as many test images, and the floor
    (as many real training images) beside it, in the judge's features;
    precision and recall (Kynkäänniemi et al. 2019) in the same ones."""
    reference, floor = _reference(judge, len(images01), seed)
    generated = features(judge, images01)
    with runtime.threads(1):
        distance = frechet_distance(generated, reference)
    n = min(len(generated), PR_SAMPLES)  # precision and recall: k-NN
    return {
        "frechet": distance,
        "frechet_floor": floor,
        "frechet_samples": len(images01),
        **precision_recall(reference[:n], generated[:n]),
        "pr_samples": n,
    }
