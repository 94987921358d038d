"""A GAN's training on the 2-D data (gen_src/toy_training.py): one budget
for every GAN, and what a toy run records and how it is scored."""

from __future__ import annotations

from gen_src import adversarial_training, gan, toy_training, wgan
from gen_src.metrics import modes


def test_snapshot_at_the_last_step_even_off_the_grid():
    config = gan.config_for("smoke", num_steps=25, snapshot_every=10)
    run = gan.train(config, device="cpu", progress=False)
    assert run.tensors["snapshot_steps"].tolist() == [0, 10, 20, 25]


def test_every_gan_on_the_2d_data_has_the_same_budget():
    for dataset in ("ring", "grid"):
        for profile in ("smoke", "quick", "full"):
            a = gan.config_for(profile, dataset=dataset)
            b = wgan.config_for(profile, dataset=dataset)
            assert a.num_steps == b.num_steps, (dataset, profile)
            assert (a.num_steps * a.g_steps) == (b.num_steps * b.g_steps)


def test_a_toy_run_records_its_replay_and_is_scored_by_its_last_snapshot():
    config = gan.config_for("smoke", num_steps=12, replay_frames=4)
    run = gan.train(config, device="cpu", progress=False)
    assert run.tensors["replay_steps"].tolist() == [0, 3, 6, 9, 12]
    frames, side = len(run.tensors["replay_steps"]), toy_training.Replay.GRID
    assert run.tensors["replay_view"].shape == (frames, side, side)
    assert "modes" not in run.metrics  # training trains; score() scores
    scores = toy_training.score(run)
    last = run.tensors["snapshots"][-1]
    assert scores == modes.score(last, config.dataset)
    assert scores["num_modes"] == 8 and 0 <= scores["modes"] <= 8


def test_a_run_on_images_takes_nothing_from_the_toy_module():
    config = gan.config_for("smoke", dataset="fashion-mnist")
    assert toy_training.extras(config) == {}
    assert "toy" not in adversarial_training.__dict__


def test_a_toy_run_without_its_points_is_refused_naming_the_fix():
    import pytest

    config = gan.config_for("smoke")
    models = gan.build(config)
    with pytest.raises(ValueError, match="toy_training.extras"):
        adversarial_training.train_adversarial(
            config, models, device="cpu", progress=False, label="x"
        )
