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
    assert scores["precision"] == scores["recall"] == 0.0
    assert scores["coverage"] == 0.0


def test_one_distribution_covers_itself_with_balls_of_one_size():
    scores = precision_recall(_normal(2000, seed=0), _normal(2000, seed=1))
    assert scores["coverage"] > 0.9
    assert 0.8 < scores["radius_ratio"] < 1.25


def test_prototypes_among_the_real_images_recall_nothing_but_cover():
    # 200 real-looking prototypes, each drawn 10 times almost alike (as
    # blurry class averages are): their own balls are tiny, so recall
    # is near 0 while the real balls around them still hold them
    prototypes = _normal(200, seed=6)
    fake = prototypes.repeat(10, 1) + _normal(2000, seed=7, scale=1e-3)
    scores = precision_recall(_normal(2000, seed=0), fake)
    assert scores["precision"] > 0.9
    assert scores["recall"] < 0.05
    assert scores["coverage"] > 0.2
    assert scores["radius_ratio"] < 0.01


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
    radii = module._radii(real, 3, chunk=1000)
    whole = module._near(fake, real, radii, own=False)
    parts = module._near(
        fake, real, module._radii(real, 3, chunk=7), own=False, chunk=11
    )
    assert torch.equal(whole, parts)
    own = module._near(real, fake, radii, own=True)
    assert torch.equal(own, module._near(real, fake, radii, True, chunk=13))


@pytest.mark.parametrize("k", [1, 3, 10])
def test_larger_neighbourhoods_never_lower_the_scores(k):
    real, fake = _normal(400, seed=4), _normal(400, seed=5, shift=0.7)
    small = precision_recall(real, fake, k=k)
    large = precision_recall(real, fake, k=k + 5)
    assert large["precision"] >= small["precision"]
    assert large["recall"] >= small["recall"]


def test_coverage_counts_real_balls_that_hold_a_sample():
    from gen_src.metrics import precision_recall as module

    real = torch.tensor([[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]])
    radii = module._radii(real, 1)  # 1, 1, 1, 1, 1, 1
    fake = torch.tensor([[0.5], [2.9]])  # inside the first three balls
    covered = module._near(real, fake, radii, own=True, chunk=4)
    assert covered.tolist() == [True, True, True, False, False, False]
