"""gen_src.loop: the one training loop, evaluation mode, the Run."""

from __future__ import annotations

import io

import pytest
import torch
from torch import nn

from gen_src import classifier, data, loop, vae


def _counting_step(calls):
    def step(x):
        calls.append(x.clone())
        return {"loss": float(x.sum()), "twice": 2 * float(x.sum())}

    return step


def test_fit_records_losses_and_calls_callbacks_on_schedule():
    xs = torch.arange(12.0).view(12, 1)
    batches = data.Batches(
        xs, batch_size=4, generator=torch.Generator().manual_seed(0)
    )
    calls, every_2, epochs = [], [], []
    state = loop.fit(
        _counting_step(calls),
        batches,
        num_epochs=3,
        on_step=[(2, lambda s: every_2.append(s.step))],
        on_epoch=[lambda s: epochs.append((s.epoch, s.step))],
    )
    assert state.total_steps == 9 and state.step == 9 and state.epoch == 3
    assert len(calls) == 9
    assert every_2 == [2, 4, 6, 8]
    assert epochs == [(1, 3), (2, 6), (3, 9)]
    assert state.history["twice"] == [2 * v for v in state.history["loss"]]
    # every epoch sees every example once, in a fresh order
    first = torch.cat(calls[:3]).view(-1).sort().values
    assert torch.equal(first, xs.view(-1))
    assert not torch.equal(torch.cat(calls[:3]), torch.cat(calls[3:6]))
    assert state.last("loss") == state.history["loss"][-1]
    assert state.seconds >= 0


def test_fit_caps_steps_per_epoch_and_unpacks_tuples():
    x, y = torch.zeros(20, 2), torch.ones(20)
    seen = []

    def step(a, b):
        seen.append((a.shape, b.shape))
        return {"loss": 0.0}

    state = loop.fit(
        step, data.Batches(x, y, batch_size=5), num_epochs=2, steps_per_epoch=2
    )
    assert state.total_steps == 4 and len(seen) == 4
    assert seen[0] == (torch.Size([5, 2]), torch.Size([5]))


def test_fit_progress_prints_step_losses_and_eta():
    stream = io.StringIO()
    batches = data.Batches(torch.ones(8, 1), batch_size=2)
    loop.fit(
        lambda x: {"loss": 0.5},
        batches,
        num_epochs=2,
        progress=loop.Progress(every=3, label="demo", stream=stream),
    )
    lines = stream.getvalue().splitlines()
    # every 3 steps, plus the last one
    assert [line.split()[2] for line in lines] == ["3/8", "6/8", "8/8"]
    assert all(line.startswith("[demo] step") for line in lines)
    assert "loss=0.5000" in lines[0] and "ETA" in lines[0]
    assert "epoch 2" in lines[-1]


def test_fit_stops_on_a_non_finite_loss():
    batches = data.Batches(torch.ones(4, 1), batch_size=1)
    values = iter([1.0, float("nan")])
    with pytest.raises(FloatingPointError, match="'loss'.*step 2"):
        loop.fit(lambda x: {"loss": next(values)}, batches)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(num_epochs=0), "num_epochs"),
        (dict(num_epochs=-1), "num_epochs"),
        (dict(steps_per_epoch=0), "steps_per_epoch"),
    ],
)
def test_fit_rejects_bad_counts(kwargs, field):
    with pytest.raises(ValueError, match=field):
        loop.fit(lambda x: {}, [torch.ones(1)], **kwargs)


def test_same_seed_gives_bit_identical_losses_on_cpu():
    config = vae.config_for("smoke", train_size=512, test_size=256)
    first = vae.train(config, device="cpu", progress=False)
    second = vae.train(config, device="cpu", progress=False)
    assert first.history == second.history  # exact float equality
    for key, value in first.models["vae"].state_dict().items():
        assert torch.equal(value, second.models["vae"].state_dict()[key])
    other = vae.train(
        vae.config_for("smoke", train_size=512, test_size=256, seed=1),
        device="cpu",
        progress=False,
    )
    assert other.history["loss"] != first.history["loss"]


def test_evaluating_restores_each_models_mode_and_stops_gradients():
    a, b = nn.Linear(2, 2).train(), nn.Linear(2, 2).eval()
    with loop.evaluating(a, b):
        assert not a.training and not b.training
        assert not a(torch.ones(1, 2)).requires_grad
    assert a.training and not b.training
    with pytest.raises(RuntimeError), loop.evaluating(a):
        raise RuntimeError("restored even on an error")
    assert a.training


def test_train_on_images_records_a_test_history_per_epoch():
    config = classifier.config_for("smoke", num_epochs=2, train_size=256)
    seen = []

    def scores(model, test_set, config):
        seen.append((model.training, len(test_set)))
        return {"score": float(len(seen))}

    run = loop.train_on_images(
        config,
        "classifier",
        classifier.build,
        classifier.make_step,
        scores,
        labels=True,
        device="cpu",
        progress=False,
    )
    assert run.history["test_score"] == [1.0, 2.0]
    assert run.metrics == {"test_score": 2.0}
    assert len(run.history["loss"]) == 2 * (256 // config.batch_size)
    # scores saw the model as the step left it, on the config's test set
    assert seen == [(True, config.test_size)] * 2
    assert not run.models["classifier"].training
    assert run.device.startswith("CPU")


def test_train_on_images_seeds_before_building_the_network():
    config = classifier.config_for("smoke", num_epochs=1, train_size=128)
    weights = []
    for noise in (1, 2):
        torch.manual_seed(noise)  # whatever came before
        run = loop.train_on_images(
            config,
            "classifier",
            classifier.build,
            classifier.make_step,
            lambda m, t, c: {},
            labels=True,
            device="cpu",
            progress=False,
        )
        weights.append(run.models["classifier"].head.weight)
    assert torch.equal(*weights)


def test_losses_left_as_tensors_are_read_back_in_groups_and_checked():
    batches = data.Batches(torch.ones(loop.READ_EVERY + 10, 1), batch_size=1)
    seen = []

    def step(x):
        return {"loss": torch.tensor(float(len(seen)))}

    def callback(state):
        seen.append(len(state.history.get("loss", [])))

    state = loop.fit(step, batches, on_step=[(1, callback)])
    assert seen[0] == 0  # step 1's loss not read yet: no wait per step
    assert seen[loop.READ_EVERY - 1] == loop.READ_EVERY  # read together
    assert state.history["loss"] == [float(i) for i in range(len(seen))]
    values = iter(
        [torch.tensor(1.0), torch.tensor(float("inf"))]
        + [torch.tensor(0.0)] * 100
    )
    with pytest.raises(
        FloatingPointError, match="'loss' became inf at step 2"
    ):
        loop.fit(lambda x: {"loss": next(values)}, batches)


def test_a_stacks_losses_are_kept_per_run():
    batches = data.Batches(torch.ones(3, 1), batch_size=1)
    state = loop.fit(lambda x: {"loss": torch.tensor([1.0, 2.0])}, batches)
    assert state.history["loss"] == [[1.0, 2.0]] * 3
    assert loop.run_history(state.history, 1, 2) == {"loss": [2.0] * 3}
    assert loop.run_history(state.history, 0, 1) is state.history
