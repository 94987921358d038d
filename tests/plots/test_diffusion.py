"""The diffusion page's figures (plots/diffusion.py), drawn from short
runs: every panel, its numbers from the runs' records."""

from __future__ import annotations

import pytest

from gen_src import diffusion
from gen_src import flow_matching as flow


@pytest.fixture(scope="module")
def runs():
    out = {}
    for name, family in (
        ("diffusion_ring", diffusion),
        ("flow_ring", flow),
        ("diffusion_grid", diffusion),
        ("flow_grid", flow),
    ):
        config = family.RUNS[name]("smoke")
        out[name] = family.train(config, device="cpu", progress=False)
    return out


def test_the_paths_show_three_samplers_per_set_with_the_claimed_numbers(
    runs,
):
    from gen_src.plots import common
    from gen_src.plots import diffusion as plots

    with common.words({"noise": "NOISE"}) as used:
        fig = plots.paths(*runs.values())
    assert len(fig.axes) == 6
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("DDPM") and titles[1].startswith("DDIM")
    ddim = runs["diffusion_ring"].metrics["ddim_straightness"]
    assert f"straightness {ddim:.2f}" in titles[1]  # what the claims read
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["NOISE", "sample"] and "flow matching (Euler)" in used


def test_the_cost_curves_count_heuns_last_step_once(runs):
    from gen_src.plots import diffusion as plots

    fig = plots.steps(*runs.values())
    ring = fig.axes[0]
    names = [line.get_label() for line in ring.get_lines()]
    assert names == list(plots.SAMPLER_NAMES.values())
    heun = ring.get_lines()[3]
    steps = runs["flow_ring"].tensors["sweep_heun_steps"].tolist()
    assert list(heun.get_xdata()) == [2 * s - 1 for s in steps]


def test_the_forward_figure_ends_in_noise(runs):
    from gen_src.plots import diffusion as plots

    fig = plots.forward(runs["diffusion_ring"])
    assert len(fig.axes) == 5
    assert "t = 0" in fig.axes[0].get_title()
    assert "0.00" in fig.axes[-1].get_title()  # abar_T


def test_the_forward_figure_noises_real_images_to_noise(runs):
    from gen_src.plots import diffusion_fields as plots

    fig = plots.images_forward(runs["diffusion_ring"])
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert (
        labels[0] == "t = 0"
        and labels[-1] == f"t = {diffusion.DiffusionConfig().T}"
    )
    picture = ax.get_images()[0].get_array()
    width = picture.shape[1] // len(labels)
    clean, noised = picture[:, :width], picture[:, -width:]

    # pure noise at t = T: neighbouring pixels no longer agree
    def roughness(p):
        return abs(p[:, 1:] - p[:, :-1]).mean()

    assert roughness(noised) > 2 * roughness(clean)


def test_the_fields_show_both_networks_at_every_time(runs):
    from gen_src.plots import common
    from gen_src.plots import diffusion_fields as plots

    with common.words({}) as used:
        fig = plots.fields(runs["diffusion_ring"], runs["flow_ring"])
    assert len(fig.axes) == 2 * len(plots.PROGRESS)
    for ax in fig.axes:
        arrows = [c for c in ax.collections if hasattr(c, "U")][0]
        assert len(arrows.U) == plots.ARROWS**2
    assert {"score (diffusion)", "velocity (flow)"} <= used
