"""gen_src.toy: the PacGAN 2-D mixtures (a ring of 8, a grid of 25), the
samples drawn from them and the plane the plots and the replay look at."""

from __future__ import annotations

import math

import pytest
import torch

from gen_src import toy


def test_the_ring_is_eight_evenly_spaced_points_on_the_unit_circle():
    """Eight centres of norm 1, 45 degrees apart, the first at (1, 0)."""
    centres = toy.modes("ring")
    assert centres.shape == (8, 2)
    assert torch.allclose(centres.norm(dim=1), torch.ones(8), atol=1e-6)
    assert torch.allclose(centres[0], torch.tensor([1.0, 0.0]))
    angles = torch.atan2(centres[:, 1], centres[:, 0]) % (2 * math.pi)
    steps = angles.diff()
    assert torch.allclose(steps, torch.full((7,), math.pi / 4), atol=1e-5)


def test_the_grid_is_every_pair_of_minus_four_to_four_in_steps_of_two():
    """25 distinct centres: every (x, y) with x, y in {-4, -2, 0, 2, 4}."""
    centres = toy.modes("grid")
    assert centres.shape == (25, 2)
    axis = [-4.0, -2.0, 0.0, 2.0, 4.0]
    want = {(x, y) for x in axis for y in axis}
    assert {tuple(p) for p in centres.tolist()} == want


@pytest.mark.parametrize("name, std", [("ring", 0.01), ("grid", 0.05)])
def test_each_mixture_has_its_papers_standard_deviation(name, std):
    assert toy.mode_std(name) == std


@pytest.mark.parametrize("call", [toy.modes, toy.mode_std])
def test_an_unknown_dataset_is_refused_naming_the_choices(call):
    """The error names the bad value and both toy datasets."""
    with pytest.raises(ValueError) as err:
        call("spiral")
    text = str(err.value)
    assert "toy dataset='spiral' is unknown" in text
    assert "ring, grid" in text


def test_sampling_an_unknown_dataset_fails_before_drawing():
    with pytest.raises(ValueError, match="'moons' is unknown"):
        toy.sample("moons", 10)


@pytest.mark.parametrize("name", toy.TOY_DATASETS)
def test_samples_lie_near_the_modes_with_the_mixtures_spread(name):
    """Every point is within 6 std of a centre; the offsets from the
    nearest centre have the mixture's std on each axis."""
    points = toy.sample(name, 4000, torch.Generator().manual_seed(0))
    assert points.shape == (4000, 2) and points.dtype == torch.float32
    centres = toy.modes(name)
    nearest = torch.cdist(points, centres).argmin(dim=1)
    offsets = points - centres[nearest]
    std = toy.mode_std(name)
    assert offsets.abs().max() < 6 * std
    assert offsets.std(dim=0) == pytest.approx([std, std], rel=0.1)


@pytest.mark.parametrize("name", toy.TOY_DATASETS)
def test_every_mode_is_about_equally_likely(name):
    """With 200 points per mode on average, each mode gets 100 to 300."""
    centres = toy.modes(name)
    n = 200 * len(centres)
    points = toy.sample(name, n, torch.Generator().manual_seed(1))
    nearest = torch.cdist(points, centres).argmin(dim=1)
    counts = torch.bincount(nearest, minlength=len(centres))
    assert counts.min() > 100 and counts.max() < 300


def test_the_same_generator_seed_gives_the_same_samples():
    a = toy.sample("grid", 50, torch.Generator().manual_seed(7))
    b = toy.sample("grid", 50, torch.Generator().manual_seed(7))
    c = toy.sample("grid", 50, torch.Generator().manual_seed(8))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_zero_samples_is_an_empty_batch_of_points():
    assert toy.sample("ring", 0).shape == (0, 2)


def test_the_plane_goes_row_by_row_from_the_bottom_left():
    """x rises along a row, y from one row to the next; the corners are
    the view's limits."""
    lim = toy.LIMITS["ring"]
    points = toy.plane("ring", 3)
    want = [
        [-lim, -lim],
        [0.0, -lim],
        [lim, -lim],
        [-lim, 0.0],
        [0.0, 0.0],
        [lim, 0.0],
        [-lim, lim],
        [0.0, lim],
        [lim, lim],
    ]
    assert torch.allclose(points, torch.tensor(want))


@pytest.mark.parametrize("name", toy.TOY_DATASETS)
def test_the_plane_covers_every_mode_with_room_to_spare(name):
    """The view has a limit for each dataset, and each mode lies inside
    it by more than 10 std."""
    lim = toy.LIMITS[name]
    points = toy.plane(name, 7)
    assert points.shape == (49, 2)
    assert points.abs().max().item() == pytest.approx(lim)
    margin = lim - toy.modes(name).abs().max().item()
    assert margin > 10 * toy.mode_std(name)


def test_the_plane_of_data_that_is_not_2d_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match=r"'fashion-mnist' is not 2-D data"):
        toy.plane("fashion-mnist", 3)
