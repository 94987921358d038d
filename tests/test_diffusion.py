"""Diffusion (gen_src/diffusion.py) and flow matching
(gen_src/flow_matching.py) on 2-D data: the closed forms, the samplers
against models whose answer is known, and bad settings named."""

from __future__ import annotations

import pytest
import torch

from gen_src import denoising, diffusion
from gen_src import flow_matching as flow

S = 0.3  # the data: N(0, S^2 I), whose ideal noise and velocity are known


class IdealNoise(torch.nn.Module):
    """E[eps | x_t] for data N(0, S^2): sqrt(1 - a) x_t / (a S^2 + 1 - a)."""

    def __init__(self, abar):
        super().__init__()
        self.abar = abar

    def forward(self, x, t):
        T = len(self.abar) - 1
        a = self.abar[(t * T).round().long()].float()[:, None]
        return (1 - a).sqrt() * x / (a * S * S + 1 - a)


class IdealVelocity(torch.nn.Module):
    """E[x1 - z | x_t] on the straight path, for data N(0, S^2)."""

    def forward(self, x, t):
        t = t[:, None]
        return x * (t * S * S - (1 - t)) / ((1 - t) ** 2 + (t * S) ** 2)


def _noise(n=20000):
    return torch.randn(n, 2, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("schedule", diffusion.SCHEDULES)
def test_the_schedule_runs_from_data_to_noise(schedule):
    abar = diffusion.alpha_bar(schedule, 1000)
    assert abar[0] == 1 and len(abar) == 1001
    assert (abar[1:] < abar[:-1]).all()  # every step adds noise
    assert abar[-1] < 1e-3  # x_T is all but pure noise


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_the_runs_use_the_schedule_the_page_names(profile):
    """docs/diffusion.md: the runs train with the cosine schedule."""
    for name in ("diffusion_ring", "diffusion_grid"):
        assert diffusion.RUNS[name](profile).schedule == "cosine"


def test_the_cosine_schedule_ends_as_the_page_says():
    """docs/diffusion.md: abar_T is about 2e-9, its root about 5e-5."""
    abar_T = diffusion.alpha_bar("cosine", 1000)[-1].item()
    assert 1.5e-9 < abar_T < 3e-9
    assert abar_T**0.5 == pytest.approx(5e-5, rel=0.1)


def test_the_forward_process_has_its_closed_form_moments():
    abar = diffusion.alpha_bar("linear", 1000)
    x0 = torch.full((50000, 2), 2.0)
    t = torch.full((50000,), 300)
    xt = diffusion.forward_sample(x0, t, _noise(50000), abar)
    a = abar[300].item()
    assert xt.mean().item() == pytest.approx(2 * a**0.5, abs=0.01)
    assert xt.var().item() == pytest.approx(1 - a, rel=0.02)


@pytest.mark.parametrize("sampler", diffusion.SAMPLERS)
@pytest.mark.parametrize("schedule", diffusion.SCHEDULES)
def test_the_reverse_chain_of_the_ideal_model_reaches_the_data(
    schedule, sampler
):
    abar = diffusion.alpha_bar(schedule, 1000)
    x = diffusion.sample(
        IdealNoise(abar), _noise(), abar, 1000, sampler,
        generator=torch.Generator().manual_seed(1),
    )  # fmt: skip
    assert x.std(0).tolist() == pytest.approx([S, S], abs=0.01)
    assert x.mean(0).abs().max() < 0.01


def test_the_clip_keeps_a_slightly_wrong_first_step_in_range():
    """At t = T the cosine schedule's abar is ~2e-9: x0's estimate divides
    by its root, so a noise prediction 1% off throws DDIM far away."""
    abar = diffusion.alpha_bar("cosine", 1000)

    class OffByOnePercent(torch.nn.Module):
        def forward(self, x, t):
            return 0.99 * IdealNoise(abar)(x, t)

    wild = diffusion.sample(OffByOnePercent(), _noise(), abar, 100, "ddim")
    kept = diffusion.sample(
        OffByOnePercent(), _noise(), abar, 100, "ddim", clip=1.0
    )
    assert wild.std().item() > 3 * S
    assert kept.abs().max() <= 1.0 + 1e-6
    assert kept.std().item() == pytest.approx(S, abs=0.05)


def test_fewer_steps_are_coarser_and_the_path_is_kept():
    abar = diffusion.alpha_bar("cosine", 1000)
    paths = diffusion.sample(
        IdealNoise(abar), _noise(), abar, 10, "ddim", path=True
    )
    assert paths.shape == (11, 20000, 2)
    assert torch.equal(paths[0], _noise())
    assert abs(paths[-1].std().item() - S) > 0.03  # 10 steps undershoot


@pytest.mark.parametrize("sampler", flow.SAMPLERS)
def test_the_flow_of_the_ideal_velocity_reaches_the_data(sampler):
    x = flow.sample(IdealVelocity(), _noise(), 100, sampler)
    assert x.std(0).tolist() == pytest.approx([S, S], abs=0.01)


def test_heun_is_closer_than_euler_in_few_steps():
    euler = flow.sample(IdealVelocity(), _noise(), 10, "euler").std().item()
    heun = flow.sample(IdealVelocity(), _noise(), 10, "heun").std().item()
    assert abs(heun - S) < abs(euler - S) / 3
    assert flow.evaluations(10, "heun") == 19  # the last step is Euler's


def test_heuns_last_step_is_eulers():
    """At t = 1 the exact field is v(x, 1) = x: a corrector there would
    pull the last step halfway back from the mode."""
    calls = []

    class Spy(torch.nn.Module):
        def forward(self, x, t):
            calls.append(round(t[0].item(), 6))
            return IdealVelocity()(x, t)

    flow.sample(Spy(), _noise(8), 4, "heun")
    assert calls == [0.0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75]


def test_the_losses_are_zero_only_for_the_truth():
    """On one data point the velocity to it is (x1 - x_t) / (1 - t)."""
    x1 = torch.full((4096, 2), 0.5)

    class Exact(torch.nn.Module):
        def forward(self, x, t):
            return (x1[: len(x)] - x) / (1 - t[:, None])

    assert flow.loss(Exact(), x1).item() < 1e-8
    zero = torch.nn.Module()
    zero.forward = lambda x, t: torch.zeros_like(x)
    assert flow.loss(zero, x1).item() == pytest.approx(2 + 0.5, rel=0.1)


@pytest.mark.parametrize("family", [diffusion, flow])
def test_a_short_run_learns_the_ring_and_is_scored(family):
    config = family.config_for(
        "smoke",
        dataset="ring",
        num_steps=1000,
        batch_size=256,
        sample_steps=50,
    )
    run = family.train(config, device="cpu", progress=False)
    assert run.metrics["num_modes"] == 8 and run.metrics["modes"] >= 4
    assert run.tensors["paths"].shape == (51, 500, 2)
    # in the data's units, the samples sit nearer the ring (radius 1)
    # than the noise they started from
    paths = run.tensors["paths"]
    off = [
        (p.norm(dim=1) - 1).abs().mean().item() for p in (paths[0], paths[-1])
    ]
    assert off[1] < off[0] / 2
    assert run.history["loss"][-1] < run.history["loss"][0]


def test_straightness_is_one_for_lines_and_less_for_bends():
    line = torch.linspace(0, 1, 11)[:, None, None] * torch.ones(1, 3, 2)
    assert denoising.straightness(line) == pytest.approx(1.0)
    corner = torch.tensor([[[0.0, 0.0]], [[1.0, 0.0]], [[1.0, 1.0]]])
    assert denoising.straightness(corner) == pytest.approx(2**0.5 / 2)


def test_the_scale_gives_the_data_unit_variance():
    for name in ("ring", "grid"):
        x = denoising.real_batches(
            denoising.ToyDenoisingConfig(dataset=name, num_steps=20)
        ).tensors[0]
        assert x.pow(2).mean().item() == pytest.approx(1.0, rel=0.05)


@pytest.mark.parametrize(
    "make, field",
    [
        (
            lambda: diffusion.config_for("quick", sample_steps=0),
            "sample_steps",
        ),
        (lambda: diffusion.config_for("quick", T=50), "sample_steps=100"),
        (lambda: diffusion.config_for("quick", schedule="sqrt"), "schedule"),
        (lambda: diffusion.config_for("quick", sampler="euler"), "sampler"),
        (lambda: flow.config_for("quick", sampler="ddim"), "sampler"),
        (lambda: flow.config_for("quick", sample_steps=0), "sample_steps"),
        (lambda: diffusion.alpha_bar("cosine", 0), "T"),
        (
            lambda: diffusion.sample(
                IdealNoise(diffusion.alpha_bar("linear", 10)),
                _noise(4),
                diffusion.alpha_bar("linear", 10),
                11,
            ),
            "at most the T=10",
        ),
        (lambda: flow.sample(IdealVelocity(), _noise(4), 5, "rk4"), "sampler"),
    ],
)
def test_a_bad_setting_is_named(make, field):
    with pytest.raises(ValueError, match=field):
        make()


@pytest.mark.parametrize("sampler", diffusion.SAMPLERS)
def test_a_clipped_step_keeps_far_points_from_escaping(sampler):
    """A network that extrapolates eps ~ 1.5 x far from the data (as the
    trained ones do) threw DDIM's points out to 1e15 while the clip held
    x0: the step now uses the noise that agrees with the clipped x0."""

    class Extrapolating(torch.nn.Module):
        def forward(self, x, t):
            return 1.5 * x

    abar = diffusion.alpha_bar("cosine", 1000)
    z = torch.tensor([[40.0, -25.0], [3.0, 1.0]])
    gen = torch.Generator().manual_seed(0)
    paths = diffusion.sample(
        Extrapolating(), z, abar, 100, sampler, clip=3.0, generator=gen,
        path=True,
    )  # fmt: skip
    assert paths.isfinite().all()
    assert paths.abs().max() <= z.abs().max() + 6.0
    assert paths[-1].abs().max() <= 3.0  # the last step lands on x0
