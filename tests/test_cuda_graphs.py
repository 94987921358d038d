"""A training step replayed as a CUDA graph (gen_src/cuda_graphs.py).

No GPU here: the graph is replaced by one with the same contract on the
CPU (the recorded step's inputs and outputs are buffers that each replay
reads and overwrites), so what graphed() does around it is held: warm-up,
one capture, inputs copied in, outputs copied out before the loop reads
them, another shape run eagerly. A run trained through it is the run
trained eagerly, bit for bit. On a GPU, the last test compares the real
graphs with eager steps.
"""

from __future__ import annotations

import contextlib
import dataclasses

import pytest
import torch

from gen_src import cuda_graphs, gan


class ReplayOnCpu:
    """CUDA graphs' contract, on the CPU: capture records step(*inputs)
    (and, unlike CUDA, runs it: the first replay is that run); replay
    runs it again on the same input buffers, into the same outputs."""

    def __init__(self):
        self.captures = self.replays = self.warm = 0
        self.prepared = []

    def prepare(self, optimizers, device):
        self.prepared += list(optimizers)

    @contextlib.contextmanager
    def warming(self):
        self.warm += 1
        yield

    def capture(self, step, inputs, generators):
        self.captures += 1
        outputs = step(*inputs)
        ran = [True]  # the capture ran the step: the first replay is that

        def replay():
            self.replays += 1
            if ran and ran.pop():
                return
            for name, value in step(*inputs).items():
                outputs[name].copy_(value)

        return replay, outputs


@pytest.fixture
def on_cpu(monkeypatch):
    backend = ReplayOnCpu()
    monkeypatch.setattr(cuda_graphs, "backend_for", lambda device: backend)
    return backend


def _same_run(a, b) -> bool:
    return (
        a.history == b.history
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
def test_a_graphed_run_is_the_eager_run_bit_for_bit(name, on_cpu, monkeypatch):
    # 120 rounds: the loop reads the losses back every 50, so a step's
    # losses not copied out of the replay would all read as the last
    config = dataclasses.replace(gan.RUNS[name]("smoke"), num_steps=120)
    graphed = gan.train(config, device="cpu", progress=False)
    assert on_cpu.captures == 1
    assert on_cpu.warm == cuda_graphs.WARM_UP
    assert on_cpu.replays == 120 - cuda_graphs.WARM_UP
    assert len(on_cpu.prepared) == 2  # D's and G's optimisers
    monkeypatch.setattr(cuda_graphs, "backend_for", lambda device: None)
    eager = gan.train(config, device="cpu", progress=False)
    assert len(set(graphed.history["d_loss"])) > 100
    assert _same_run(graphed, eager)


def test_a_stack_is_graphed_with_its_runs_generators(on_cpu, monkeypatch):
    seen = []
    capture = on_cpu.capture
    monkeypatch.setattr(
        on_cpu,
        "capture",
        lambda step, inputs, gens: (
            seen.append(list(gens)) or capture(step, inputs, gens)
        ),
    )
    config = gan.config_for("smoke", num_steps=8)
    configs = [dataclasses.replace(config, seed=s) for s in range(3)]
    gan.train_many(configs, device="cpu", progress=False)
    (generators,) = seen
    assert len(generators) == 3
    assert all(isinstance(g, torch.Generator) for g in generators)


def test_a_batch_of_another_shape_runs_eagerly(on_cpu):
    calls = []

    def step(x):
        calls.append(x.shape[0])
        return {"sum": x.sum()}

    step.optimizers = ()
    run = cuda_graphs.graphed(step, torch.device("cpu"))
    for _ in range(cuda_graphs.WARM_UP + 2):
        out = run(torch.ones(4))
    assert out["sum"].item() == 4.0
    assert run(torch.ones(3))["sum"].item() == 3.0  # eagerly
    assert on_cpu.captures == 1
    assert calls[-1] == 3


def test_on_a_cpu_the_step_is_returned_as_it_is():
    def step(x):
        return {}

    step.optimizers = ()
    assert cuda_graphs.graphed(step, torch.device("cpu")) is step


def test_a_bad_setting_names_itself(monkeypatch):
    monkeypatch.setenv("GEN_CUDA_GRAPHS", "yes")
    with pytest.raises(ValueError, match=r"GEN_CUDA_GRAPHS='yes'.*=0"):
        cuda_graphs.wanted(torch.device("cuda"))
    monkeypatch.setenv("GEN_CUDA_GRAPHS", "0")
    assert not cuda_graphs.wanted(torch.device("cuda"))
    monkeypatch.setenv("GEN_CUDA_GRAPHS", "1")
    assert cuda_graphs.wanted(torch.device("cuda"))
    assert not cuda_graphs.wanted(torch.device("cpu"))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("stack", [1, 3])
def test_on_a_gpu_graphs_train_as_eager_steps_do(stack, monkeypatch):
    config = gan.config_for("smoke", num_steps=12, r1=1.0)
    configs = [dataclasses.replace(config, seed=s) for s in range(stack)]
    graphed = gan.train_many(configs, device="cuda", progress=False)
    monkeypatch.setenv("GEN_CUDA_GRAPHS", "0")
    eager = gan.train_many(configs, device="cuda", progress=False)
    for g, e in zip(graphed, eager):
        for name in ("d_loss", "g_loss"):
            assert g.history[name] == pytest.approx(
                e.history[name], rel=1e-4, abs=1e-5
            )
