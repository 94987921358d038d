"""gen_src.metrics.precision_recall: k-NN manifolds of real and fake."""

from __future__ import annotations

import pytest
import torch

from gen_src.metrics.precision_recall import precision_recall


def _normal(n, dim=4, seed=0, shift=0.0, scale=1.0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, dim, generator=gen) * scale + shift


def test_two_samples_of_one_distribution_score_high_on_both():
    scores = precision_recall(_normal(2000, seed=0), _normal(2000, seed=1))
    assert scores["precision"] > 0.9
    assert scores["recall"] > 0.9


def test_far_apart_distributions_score_zero():
    scores = precision_recall(_normal(500), _normal(500, seed=1, shift=50))
    assert scores == {"precision": 0.0, "recall": 0.0}


def test_a_collapsed_generator_is_precise_but_recalls_little():
    # every fake sample near the real mode's centre: realistic, not diverse
    real = _normal(2000, seed=0)
    fake = _normal(2000, seed=1, scale=0.05)
    scores = precision_recall(real, fake)
    assert scores["precision"] > 0.95
    assert scores["recall"] < 0.1


def test_a_spread_generator_recalls_but_is_not_precise():
    real = _normal(2000, seed=0, scale=0.05)
    fake = _normal(2000, seed=1)
    scores = precision_recall(real, fake)
    assert scores["recall"] > 0.95
    assert scores["precision"] < 0.1


def test_chunking_does_not_change_the_answer():
    from gen_src.metrics import precision_recall as module

    real, fake = _normal(300, seed=2), _normal(300, seed=3, shift=0.5)
    whole = module._inside(fake, real, module._radii(real, 3, chunk=1000))
    parts = module._inside(
        fake, real, module._radii(real, 3, chunk=7), chunk=11
    )
    assert torch.equal(whole, parts)


@pytest.mark.parametrize("k", [1, 3, 10])
def test_larger_neighbourhoods_never_lower_the_scores(k):
    real, fake = _normal(400, seed=4), _normal(400, seed=5, shift=0.7)
    small = precision_recall(real, fake, k=k)
    large = precision_recall(real, fake, k=k + 5)
    assert large["precision"] >= small["precision"]
    assert large["recall"] >= small["recall"]
