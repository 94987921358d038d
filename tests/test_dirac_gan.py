"""The Dirac GAN (gen_src/dirac_gan.py): the site's losses on a one-point
generator and a linear discriminator give the paper's vector field, the
two ways of stepping differ as they should, and the methods that should
converge do, while the others do not."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from gen_src import dirac_gan


def _config(**kw):
    return dataclasses.replace(dirac_gan.config_for("smoke"), **kw)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_the_gan_field_is_the_papers_rotation():
    """-grad of the site's losses: d theta = psi s(psi theta), d psi =
    -theta s(psi theta), a rotation about (0, 0)."""
    field = dirac_gan.field("gan", _config(), size=5).reshape(-1, 4)
    for theta, psi, d_theta, d_psi in field.tolist():
        s = _sigmoid(psi * theta)
        assert d_theta == pytest.approx(psi * s, rel=1e-5, abs=1e-6)
        assert d_psi == pytest.approx(-theta * s, rel=1e-5, abs=1e-6)


def test_r1_adds_minus_gamma_psi_to_ds_step():
    config = _config(r1=0.5)
    plain = dirac_gan.field("gan", config, size=5)
    r1 = dirac_gan.field("r1", config, size=5)
    torch.testing.assert_close(r1[..., 2], plain[..., 2])
    torch.testing.assert_close(r1[..., 3], plain[..., 3] - 0.5 * r1[..., 1])


def test_one_step_simultaneous_and_alternating():
    h = 0.1
    config = _config(lr=h, num_steps=1)
    s1 = _sigmoid(1.0)
    theta, psi = dirac_gan.play("gan", "simultaneous", config)[1].tolist()
    assert theta == pytest.approx(1 + h * s1)  # both from (1, 1)
    assert psi == pytest.approx(1 - h * s1)
    theta, psi = dirac_gan.play("gan", "alternating", config)[1].tolist()
    assert psi == pytest.approx(1 - h * s1)  # D first
    assert theta == pytest.approx(1 + h * psi * _sigmoid(psi))  # new D


@pytest.mark.parametrize("mode", dirac_gan.MODES)
def test_which_methods_converge(mode):
    config = _config(num_steps=400, batch_size=200)
    end = {
        m: float(dirac_gan.play(m, mode, config)[-1].norm())
        for m in dirac_gan.METHODS
    }
    start = math.hypot(*config.start)
    assert end["r1"] < 0.01
    assert end["instance-noise"] < start / 5
    assert end["gan"] > 1 and end["wgan-gp"] > 1
    assert end["wgan"] > 0.1
    if mode == "simultaneous":
        assert end["gan"] > start  # spirals out


def test_clipping_holds_the_critic_and_runs_record_every_step():
    config = _config(num_steps=50)
    path = dirac_gan.play("wgan", "alternating", config)
    assert path.shape == (51, 2)
    assert path[1:, 1].abs().max() <= config.clip + 1e-7


@pytest.mark.parametrize(
    "kwargs, named",
    [({"lr": 0}, "lr"), ({"num_steps": 0}, "num_steps"), ({"r1": -1}, "r1")],
)
def test_bad_settings_are_named(kwargs, named):
    with pytest.raises(ValueError, match=named):
        _config(**kwargs)


def test_an_unknown_method_or_mode_is_named():
    with pytest.raises(ValueError, match="method"):
        dirac_gan.play("lsgan", "alternating", _config())
    with pytest.raises(ValueError, match="mode"):
        dirac_gan.play("gan", "sideways", _config())


def test_the_run_records_each_path_and_its_distance():
    run = dirac_gan.train(_config(num_steps=20, batch_size=10), progress=False)
    for method in dirac_gan.METHODS:
        key = method.replace("-", "_")
        assert run.tensors[f"field_{key}"].shape == (11, 11, 4)
        for mode in dirac_gan.MODES:
            path = run.tensors[f"path_{key}_{mode}"]
            tail = path.norm(dim=1)[-2:]  # the last tenth of 21 points
            assert run.metrics[f"{key}_{mode}_distance"] == pytest.approx(
                float(tail.mean())
            )
