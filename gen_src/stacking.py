"""K runs of one model trained as one: their weights stacked, one Adam.

Runs whose configs differ only by their seed have networks of the same
shapes. Their weights stack along a new first dimension (K, ...), and
torch.func.vmap calls the family's own network and loss once per run on
its own slice: the K forward and backward passes become batched matrix
products. Adam is elementwise, so one Adam over the stacked weights, with
the runs' losses summed, is K independent optimisers. Each run keeps its
own modules too, whose weights are views of its slice of the stack, so
what it records along the way (snapshots, an average of G's weights)
reads as one run's code. Its noise comes from its own generator, which
continues where the run alone would draw from torch's global one: a
run's seed alone fixes its weights and its noise, in a stack or not, and
the stack differs from the runs alone only by floating-point rounding.

Alone is the same interface for one run (no vmap, the networks
themselves): a stack of one is the run alone, bit for bit. The step that
uses them is gen_src.adversarial.make_step.
"""

from __future__ import annotations

import copy
import dataclasses

import torch
from torch import nn
from torch.func import functional_call, stack_module_state, vmap


def continued_generator(device: torch.device) -> torch.Generator:
    """A generator in the global one's state: it draws what a run alone
    would draw next from torch.randn(..., device=device)."""
    if device.type == "cpu":
        generator = torch.Generator()
        generator.set_state(torch.get_rng_state())
        return generator
    generator = torch.Generator(device)
    generator.set_state(torch.cuda.get_rng_state(device))
    return generator


class Alone:
    """One run: its networks, torch's global generator, float losses."""

    size = 1
    dim = 0  # the batch dimension of what the step is given

    def __init__(self, networks: list[nn.Module], device: torch.device):
        self.networks, self.device = networks, device

    def parameters(self, i: int):
        return self.networks[i].parameters()

    def noise(self, n: int, dim: int) -> torch.Tensor:
        return torch.randn(n, dim, device=self.device)

    def each(self, fn, *args):
        """fn(*networks, *args): one run's computation."""
        return fn(*self.networks, *args)

    def total(self, loss: torch.Tensor) -> torch.Tensor:
        return loss

    def value(self, x: torch.Tensor) -> torch.Tensor:
        """What to record: the mean of x, left on the device (the loop
        reads the numbers back every few steps, not every step)."""
        return x.detach().mean()


class Stack(Alone):
    """K runs as one: runs[k] holds run k's networks (in one order, the
    same shapes) and generators[k] its noise. Its values are (K,)
    tensors, one number per run."""

    dim = 1

    def __init__(
        self,
        runs: list[list[nn.Module]],
        generators: list[torch.Generator],
        device: torch.device,
    ):
        self.size, self.device, self.generators = len(runs), device, generators
        self.base, self.stacked = [], []
        for i, first in enumerate(runs[0]):
            params, buffers = stack_module_state([run[i] for run in runs])
            for k, run in enumerate(runs):  # each run's weights: its slice
                for name, p in run[i].named_parameters():
                    p.data = params[name].data[k]
                for name, b in run[i].named_buffers():  # batch norm's stats
                    b.data = buffers[name][k]
            self.base.append(copy.deepcopy(first).to("meta"))
            self.stacked.append((params, buffers))

    def parameters(self, i: int):
        return self.stacked[i][0].values()

    def noise(self, n: int, dim: int) -> torch.Tensor:
        return torch.stack(
            [
                torch.randn(n, dim, generator=g, device=self.device)
                for g in self.generators
            ]
        )

    def each(self, fn, *args):
        """fn(*networks, *args) for every run at once, on its slice of
        each argument (K, ...); its outputs get a first dimension K."""

        def one(weights, *slices):
            networks = [
                _Functional(base, w) for base, w in zip(self.base, weights)
            ]
            return fn(*networks, *slices)

        return vmap(one)(self.stacked, *args)

    def total(self, loss: torch.Tensor) -> torch.Tensor:
        return loss.sum()  # each run's weights get its own loss's gradient

    def value(self, x: torch.Tensor) -> torch.Tensor:
        return x.detach().reshape(self.size, -1).mean(1)


class _Functional:
    """A network called with the weights it is given (torch.func)."""

    def __init__(self, base: nn.Module, weights: tuple[dict, dict]):
        self.base, self.weights = base, weights

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return functional_call(self.base, self.weights, (x,))


def detach(module: nn.Module) -> nn.Module:
    """A run's module with weights of its own again, not a stack's view."""
    for t in (*module.parameters(), *module.buffers()):
        t.data = t.data.clone()
    return module


class Zipped:
    """The runs' batches side by side: each round, run k's batch as
    row k of one tensor (K, ...)."""

    def __init__(self, batches: list):
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches[0])

    def __iter__(self):
        for rows in zip(*self.batches):
            yield torch.stack(rows)


def check_stackable(configs: list, labels: list[str]) -> None:
    """Runs stack when their configs differ only by seed; else a
    ValueError that names the runs and the settings that differ."""
    first = dataclasses.replace(configs[0], seed=0)
    for config, label in zip(configs[1:], labels[1:]):
        other = dataclasses.replace(config, seed=0)
        if other != first:
            fields = [
                f.name
                for f in dataclasses.fields(first)
                if getattr(first, f.name) != getattr(other, f.name)
            ]
            raise ValueError(
                f"runs {labels[0]} and {label} cannot train as one stack: "
                f"they differ in {', '.join(fields)}, so their networks or "
                "steps differ; stack only runs that differ by seed"
            )
