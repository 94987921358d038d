"""The shared training of a game (gen_src/adversarial_training.py): the
learning rate's cool-down, the real batches, what a run records."""

from __future__ import annotations

import pytest
import torch

from gen_src import adversarial_training as at
from gen_src import gan, toy_training


def test_the_rate_holds_then_falls_linearly_to_zero():
    total, share = 100, 0.3
    assert at.lr_factor(0, total, share) == 1.0
    assert at.lr_factor(70, total, share) == 1.0  # the cool-down begins
    assert at.lr_factor(85, total, share) == pytest.approx(0.5)
    assert at.lr_factor(100, total, share) == 0.0
    assert at.lr_factor(99, total, 0.0) == 1.0  # no cool-down: flat


def test_the_cool_down_drives_both_optimisers():
    config = gan.config_for("smoke", num_steps=10, lr_cooldown=0.5)
    run = gan.train(config, device="cpu", progress=False)
    assert run.metrics["steps"] == 10
    # no score: the loop's own numbers only
    assert set(run.metrics) == {
        "steps",
        "seconds_per_step",
        "d_gap_start",
        "d_gap_end",
    }


def test_the_verdict_gap_is_d_real_minus_d_fake_at_each_end():
    history = {
        "d_real": [0.9] * 10 + [0.5] * 80 + [0.6] * 10,
        "d_fake": [0.1] * 10 + [0.5] * 80 + [0.4] * 10,
    }
    gap = at.verdict_gap(history)
    assert gap["d_gap_start"] == pytest.approx(0.8)
    assert gap["d_gap_end"] == pytest.approx(0.2)
    assert at.verdict_gap({"d_real": [1.0], "d_fake": [3.0]}) == {
        "d_gap_start": -2.0,
        "d_gap_end": -2.0,
    }


def test_real_batches_on_images_are_scaled_for_tanh_and_sized_for_k():
    config = gan.config_for(
        "smoke", dataset="fashion-mnist", d_steps=2, batch_size=16
    )
    batches = at.real_batches(config, torch.device("cpu"))
    first = next(iter(batches))
    assert first.shape[0] == 2 * 16  # one batch for each of D's k steps
    assert first.min() >= -1 and first.max() <= 1 and first.min() < 0


def test_a_recording_gets_its_callbacks_and_keeps_what_it_returns():
    config = gan.config_for("smoke", num_steps=6, snapshot_every=3)
    networks = gan.build(config)
    seen = []

    class Recording(toy_training.Recording):
        def callbacks(self, G, shown_G, D):
            seen.append((G, shown_G, D))
            return super().callbacks(G, shown_G, D)

    run = at.train_adversarial(
        config,
        networks,
        device="cpu",
        progress=False,
        label="test",
        batches=toy_training.real_batches(config),
        recording=Recording(config),
    )
    ((G, shown_G, D),) = seen
    assert G is networks["G"] and D is networks["D"] and shown_G is G
    assert run.tensors["snapshot_steps"].tolist() == [0, 3, 6]


def test_an_averaged_g_is_what_the_snapshots_show():
    config = gan.config_for("smoke", num_steps=4, g_ema=0.9)
    seen = []

    class Recording(toy_training.Recording):
        def callbacks(self, G, shown_G, D):
            seen.append(shown_G)
            return super().callbacks(G, shown_G, D)

    at.train_adversarial(
        config,
        gan.build(config),
        device="cpu",
        progress=False,
        label="test",
        batches=toy_training.real_batches(config),
        recording=Recording(config),
    )
    assert isinstance(seen[0], torch.optim.swa_utils.AveragedModel)
