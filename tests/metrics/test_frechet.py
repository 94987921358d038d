"""gen_src.metrics.frechet: the distance, its floor, the reference."""

from __future__ import annotations

import copy

import pytest
import torch

from gen_src import classifier
from gen_src.metrics import frechet


@pytest.fixture(scope="module")
def smoke_run():
    return classifier.train(
        classifier.config_for("smoke"), device="cpu", progress=False
    )


def test_frechet_distance_of_a_set_with_itself_is_zero():
    feats = torch.randn(500, 8, generator=torch.Generator().manual_seed(0))
    assert frechet.frechet_distance(feats, feats) == pytest.approx(
        0.0, abs=1e-6
    )


def test_frechet_distance_exact_for_an_affine_copy():
    # b = 2a + c has mean 2 mu_a + c and covariance 4 S_a, so
    # d^2 = ||mu_a + c||^2 + Tr(S_a + 4 S_a - 2 * 2 S_a) = ... + Tr(S_a)
    a = torch.randn(400, 5, generator=torch.Generator().manual_seed(1))
    a = a @ torch.randn(5, 5, generator=torch.Generator().manual_seed(2))
    c = torch.tensor([1.0, -2.0, 0.5, 0.0, 3.0])
    b = 2 * a + c
    a64 = a.double()
    expected = (a64.mean(0) + c.double()).pow(2).sum() + torch.cov(
        a64.T
    ).trace()
    assert frechet.frechet_distance(a, b) == pytest.approx(
        expected.item(), rel=1e-6
    )
    assert frechet.frechet_distance(b, a) == pytest.approx(
        expected.item(), rel=1e-6
    )


def test_frechet_distance_of_two_gaussians_matches_the_formula():
    # N(0, I) vs N(m, diag(s^2)): d^2 = ||m||^2 + sum (1 - s)^2
    gen = torch.Generator().manual_seed(3)
    m = torch.tensor([1.0, 0.0, -1.0, 2.0])
    s = torch.tensor([1.0, 2.0, 0.5, 1.5])
    a = torch.randn(200_000, 4, generator=gen)
    b = m + s * torch.randn(200_000, 4, generator=gen)
    expected = (m.pow(2).sum() + (1 - s).pow(2).sum()).item()  # 7.5
    assert frechet.frechet_distance(a, b) == pytest.approx(expected, rel=0.02)


def test_real_floor_and_noise(smoke_run):
    model = smoke_run.models["classifier"]
    assert frechet.test_features(model, 100).shape == (100, 128)
    floor = frechet.real_floor(model, n=500)
    assert floor >= 0
    noise = classifier.features(model, torch.rand(500, 1, 28, 28))
    far = frechet.frechet_distance(noise, frechet.test_features(model, 500))
    assert far > floor


def test_frechet_to_test_reuses_the_reference(smoke_run):
    model = smoke_run.models["classifier"]
    images = torch.rand(300, 1, 28, 28)
    frechet._REFERENCES.clear()
    first = frechet.frechet_to_test(model, images)
    (key,) = frechet._REFERENCES
    again = frechet.frechet_to_test(model, images)
    assert again == first
    # the same judge loaded again (each run of a build loads its own)
    reloaded = copy.deepcopy(model)
    assert frechet.frechet_to_test(reloaded, images) == first
    assert list(frechet._REFERENCES) == [key]  # computed once
    # a judge with other weights is another judge
    with torch.no_grad():
        next(reloaded.parameters()).add_(1.0)
    assert frechet.frechet_to_test(reloaded, images) != first
    assert len(frechet._REFERENCES) == 2
    assert first["frechet_floor"] == pytest.approx(
        frechet.real_floor(model, 300)
    )
    assert first["frechet"] > first["frechet_floor"]


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_every_image_model_is_scored_with_one_number_of_images(profile):
    # the distance's bias depends on n: distances on the site compare
    # only when every model draws as many samples (evaluation.md)
    from gen_src import cvae, dcgan, gan, vae, wgan

    assert frechet.NUM_IMAGES == 10_000  # the test set, whole
    drawn = {
        "gan_fmnist": gan.RUNS["gan_fmnist"](profile).num_samples,
        "dcgan": dcgan.RUNS["dcgan"](profile).num_samples,
        "wgan_fmnist": wgan.RUNS["wgan_fmnist"](profile).num_samples,
        "vae": vae.RUNS["vae"](profile).test_size or frechet.NUM_IMAGES,
        "cvae": cvae.RUNS["cvae"](profile).test_size or frechet.NUM_IMAGES,
    }
    assert set(drawn.values()) == {frechet.NUM_IMAGES}, drawn
