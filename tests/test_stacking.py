"""Runs trained as one stack (gen_src/stacking.py, through
adversarial_training.train_stack and gan.train_many): a stack of one is
the run alone bit for bit, a stack of K differs from the K runs alone by
rounding only, and runs that cannot stack are refused by name."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from gen_src import gan, loop, stacking, wgan


def _seeds(config, k: int) -> list:
    return [dataclasses.replace(config, seed=s) for s in range(k)]


def _same(a: loop.Run, b: loop.Run) -> bool:
    return (
        a.history == b.history
        and a.tensors.keys() == b.tensors.keys()
        and all(torch.equal(a.tensors[k], b.tensors[k]) for k in a.tensors)
        and all(
            torch.equal(p, q)
            for name in a.models
            for p, q in zip(
                a.models[name].state_dict().values(),
                b.models[name].state_dict().values(),
            )
        )
    )


@pytest.mark.parametrize("name", ["toy_ring_ns", "toy_grid_r1"])
def test_a_stack_of_one_is_the_run_alone_bit_for_bit(name):
    config = dataclasses.replace(gan.RUNS[name]("smoke"), num_steps=30)
    alone = gan.train(config, device="cpu", progress=False)
    (stacked,) = gan.train_many([config], device="cpu", progress=False)
    assert _same(alone, stacked)


@pytest.mark.parametrize(
    "overrides",
    [{}, {"pack": 4}, {"d_steps": 3, "loss": "minimax"}, gan.R1_REMEDY],
    ids=["ns", "pacgan4", "k3-minimax", "r1-ema"],
)
def test_each_run_of_a_stack_is_the_run_alone_up_to_rounding(overrides):
    config = gan.config_for("smoke", num_steps=12, **overrides)
    configs = _seeds(config, 3)
    stack = gan.train_many(configs, device="cpu", progress=False)
    alone = [gan.train(c, device="cpu", progress=False) for c in configs]
    for a, s in zip(alone, stack):
        assert s.config.seed == a.config.seed
        assert len(s.history["d_loss"]) == 12
        for key in ("snapshots", "replay_points", "replay_view"):
            torch.testing.assert_close(
                s.tensors[key], a.tensors[key], rtol=1e-4, atol=1e-4
            )
        for name in ("d_loss", "g_loss", "d_real", "d_fake"):
            assert s.history[name] == pytest.approx(
                a.history[name], rel=1e-4, abs=1e-5
            )
    # different seeds, different runs: the stack did not train one run K times
    assert not torch.allclose(
        stack[0].tensors["snapshots"][-1], stack[1].tensors["snapshots"][-1]
    )


def test_a_stacks_runs_come_out_with_weights_of_their_own():
    config = gan.config_for("smoke", num_steps=3)
    first, second = gan.train_many(
        _seeds(config, 2), device="cpu", progress=False
    )
    weight = next(second.models["G"].parameters())
    before = weight.clone()
    with torch.no_grad():
        next(first.models["G"].parameters()).add_(1.0)
    assert torch.equal(weight, before)
    assert first.seconds == pytest.approx(second.seconds)  # shared out


def test_runs_that_differ_by_more_than_the_seed_are_refused_by_name():
    configs = [
        gan.config_for("smoke", seed=0),
        gan.config_for("smoke", seed=1, pack=2),
    ]
    with pytest.raises(ValueError) as err:
        gan.train_many(configs, device="cpu", progress=False)
    message = str(err.value)
    assert "gan-ring seed 0" in message and "gan-ring seed 1" in message
    assert "differ in pack," in message


def test_a_wgan_gp_stack_is_refused_but_one_run_trains():
    config = wgan.config_for("smoke", num_steps=4)
    with pytest.raises(ValueError, match="interpolation weights"):
        wgan.train_many(_seeds(config, 2), device="cpu", progress=False)
    (run,) = wgan.train_many([config], device="cpu", progress=False)
    assert run.metrics["steps"] == 4


def test_runs_on_images_are_refused():
    config = gan.config_for("smoke", dataset="fashion-mnist")
    with pytest.raises(ValueError, match="only runs on the 2-D data"):
        gan.train_many(_seeds(config, 2), device="cpu", progress=False)


def test_a_continued_generator_draws_what_the_global_one_would():
    torch.manual_seed(7)
    torch.randn(5)  # somewhere along the global stream
    generator = stacking.continued_generator(torch.device("cpu"))
    mine = torch.randn(4, 3, generator=generator)
    assert torch.equal(mine, torch.randn(4, 3))


def test_a_stack_draws_each_runs_noise_from_its_own_generator():
    networks = [[torch.nn.Linear(2, 3)], [torch.nn.Linear(2, 3)]]
    generators = [torch.Generator().manual_seed(s) for s in (1, 2)]
    stack = stacking.Stack(networks, generators, torch.device("cpu"))
    z = stack.noise(5, 2)
    assert z.shape == (2, 5, 2)
    assert torch.equal(
        z[1], torch.randn(5, 2, generator=torch.Generator().manual_seed(2))
    )


def test_each_calls_the_function_on_every_runs_own_weights():
    networks = [[torch.nn.Linear(2, 3)], [torch.nn.Linear(2, 3)]]
    expected = [run[0](torch.ones(4, 2)) for run in networks]
    stack = stacking.Stack(networks, [], torch.device("cpu"))
    out = stack.each(lambda net, x: net(x), torch.ones(2, 4, 2))
    for k in range(2):
        torch.testing.assert_close(out[k], expected[k])
    assert stack.value(out).shape == (2,)
    # the runs' modules are views of the stack: a step on it shows in them
    with torch.no_grad():
        next(iter(stack.parameters(0))).add_(1.0)
    torch.testing.assert_close(networks[1][0](torch.ones(4, 2)), out[1] + 2.0)


def test_zipped_batches_give_one_row_per_run():
    zipped = stacking.Zipped(
        [[torch.zeros(3), torch.zeros(3)], [torch.ones(3), torch.ones(3)]]
    )
    assert len(zipped) == 2
    rounds = list(zipped)
    assert len(rounds) == 2 and rounds[0].tolist() == [[0.0] * 3, [1.0] * 3]


def test_batch_norms_statistics_are_each_runs_own_and_kept():
    def net():
        return torch.nn.Sequential(
            torch.nn.Linear(2, 4), torch.nn.BatchNorm1d(4, momentum=0.5)
        )

    torch.manual_seed(0)
    networks = [[net()], [net()]]
    x = torch.randn(2, 8, 2)
    expected = []
    for k, run in enumerate(networks):
        twin = net()
        twin.load_state_dict(run[0].state_dict())
        twin(x[k])
        expected.append(twin[1].running_mean.clone())
    stack = stacking.Stack(networks, [], torch.device("cpu"))
    stack.each(lambda n, v: n(v), x)
    for k, run in enumerate(networks):
        torch.testing.assert_close(run[0][1].running_mean, expected[k])
        kept = stacking.detach(run[0])[1].running_mean
        assert (
            kept.data_ptr() != stack.stacked[0][1]["1.running_mean"].data_ptr()
        )
