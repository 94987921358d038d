"""The PacGAN mode metrics on hand-made samples."""

import math

import pytest
import torch

from gen_src import toy
from gen_src.metrics import modes


def even_samples(dataset, per_mode, jitter=0.0):
    centres = toy.modes(dataset)
    gen = torch.Generator().manual_seed(0)
    pts = centres.repeat_interleave(per_mode, dim=0)
    return pts + jitter * torch.randn(pts.shape, generator=gen)


@pytest.mark.parametrize("dataset", ["ring", "grid"])
def test_all_modes_evenly(dataset):
    samples = even_samples(dataset, 100, jitter=toy.mode_std(dataset))
    m = modes.score(samples, dataset)
    assert m["modes"] == m["num_modes"] == len(toy.modes(dataset))
    # within 3 std: about 98.9% of a 2-D Gaussian's mass (chi, 2 dof)
    assert 0.97 < m["high_quality"] <= 1.0
    assert m["reverse_kl"] < 0.01
    assert m["largest_mode_share"] < 1.5 / m["num_modes"]


def test_real_data_scores_as_real():
    samples = toy.sample(
        "ring", modes.NUM_SAMPLES, torch.Generator().manual_seed(3)
    )
    m = modes.score(samples, "ring")
    assert m["modes"] == 8
    assert m["high_quality"] > 0.97


def test_one_mode_is_collapse():
    centre = toy.modes("ring")[3]
    samples = centre + 0.005 * torch.randn(500, 2)
    m = modes.score(samples, "ring")
    assert m["modes"] == 1
    assert m["high_quality"] == 1.0
    assert m["largest_mode_share"] == 1.0
    assert m["reverse_kl"] == pytest.approx(math.log(8))


def test_two_uneven_modes():
    c = toy.modes("ring")
    samples = torch.cat([c[0].repeat(300, 1), c[1].repeat(100, 1)])
    m = modes.score(samples, "ring")
    assert m["modes"] == 2
    assert m["largest_mode_share"] == pytest.approx(0.75)
    want = 0.75 * math.log(8 * 0.75) + 0.25 * math.log(8 * 0.25)
    assert m["reverse_kl"] == pytest.approx(want)


def test_off_mode_points_are_not_high_quality():
    c = toy.modes("ring")
    # half on mode 0, half at the centre of the ring (far from all modes)
    samples = torch.cat([c[0].repeat(50, 1), torch.zeros(50, 2)])
    m = modes.score(samples, "ring")
    assert m["high_quality"] == pytest.approx(0.5)
    assert m["modes"] == 1  # off-mode points capture nothing


def test_just_outside_three_std():
    c = toy.modes("grid")[0]
    near = c + torch.tensor([[0.149, 0.0]])
    far = c + torch.tensor([[0.151, 0.0]])
    assert modes.score(near, "grid")["high_quality"] == 1.0
    far_score = modes.score(far, "grid")
    assert far_score["high_quality"] == 0.0
    assert far_score["modes"] == 0
    assert far_score["reverse_kl"] == math.inf
    assert far_score["largest_mode_share"] == 0.0


def test_unknown_dataset():
    with pytest.raises(ValueError, match="dataset"):
        modes.score(torch.zeros(3, 2), "spiral")
