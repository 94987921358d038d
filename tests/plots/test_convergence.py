"""The convergence figures (plots/dirac_gan.py, plots/convergence.py)."""

from __future__ import annotations

import dataclasses

from gen_src import dirac_gan, gan, wgan


def test_the_dirac_figure_has_a_panel_per_method_and_mode():
    from gen_src.plots import common
    from gen_src.plots import dirac_gan as plots

    config = dataclasses.replace(
        dirac_gan.config_for("smoke"), num_steps=10, batch_size=10
    )
    run = dirac_gan.train(config, progress=False)
    with common.words({"simultaneous": "SIMULTANEOUS"}) as used:
        fig = plots.paths(run)
    assert len(fig.axes) == len(dirac_gan.METHODS)  # both paths in each
    assert {"simultaneous", "alternating", "final distance"} <= used
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["SIMULTANEOUS", "alternating"]


def test_the_curves_show_each_runs_verdicts_and_quality():
    from gen_src.plots import convergence

    runs = [
        gan.train(gan.RUNS[name]("smoke"), device="cpu", progress=False)
        for name in ("toy_ring_ns", "toy_ring_r1")
    ]
    runs.append(
        wgan.train(
            wgan.RUNS["wgan_ring"]("smoke"), device="cpu", progress=False
        )
    )
    rounds, shares = convergence.quality(runs[0])
    assert len(rounds) == len(shares) == len(runs[0].tensors["replay_points"])
    assert 0 <= shares.min() and shares.max() <= 1
    fig = convergence.curves(*runs)
    assert len(fig.axes) == 6  # three panels and their right axes
    wgan_lines = fig.axes[2].get_lines()
    assert "E" in wgan_lines[0].get_label()  # the critic's gap
