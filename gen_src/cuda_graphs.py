"""A training step replayed as one CUDA graph.

On a GPU a toy GAN round is about 200 small kernels and a GFLOP: the time
goes to launching kernels, not to arithmetic. A CUDA graph records the
kernels of one step once and replays them with one launch
(torch.cuda.graphs). graphed(step, device) runs the first WARM_UP steps
eagerly on a side stream, records the next one, and replays it for every
batch of the same shape; a batch of another shape (an epoch's last, say)
runs eagerly. The step's optimisers become capturable, their learning
rate a tensor on the device, so a schedule still changes it between
replays. A replay overwrites the recorded step's losses, so each step's
are copied out (the loop reads them back every few steps).

The noise of a stack's runs comes from their own generators, which the
graph is told about; torch's global generator it knows by itself. On a
CPU, or with GEN_CUDA_GRAPHS=0, the step is returned as it is.
"""

from __future__ import annotations

import contextlib
import os

import torch

SETTING = "GEN_CUDA_GRAPHS"
WARM_UP = 3  # eager steps before the capture (cuDNN and the allocator settle)


def wanted(device: torch.device) -> bool:
    """Graphs for this device: on CUDA, unless GEN_CUDA_GRAPHS=0."""
    raw = os.environ.get(SETTING, "1").strip() or "1"
    if raw not in ("0", "1"):
        raise ValueError(
            f"{SETTING}={raw!r} is out of range: give {SETTING}=1 (replay "
            f"each step as a CUDA graph on a GPU, the default) or "
            f"{SETTING}=0 (run every step eagerly)"
        )
    return raw == "1" and device.type == "cuda"


class CudaGraphs:
    """torch.cuda's graphs: what graphed() needs of a backend."""

    def prepare(self, optimizers, device: torch.device) -> None:
        """Optimisers whose steps can be recorded: Adam keeps its step
        count on the device, and the learning rate is a tensor there (a
        number would be recorded as a constant)."""
        for optimizer in optimizers:
            for group in optimizer.param_groups:
                group["capturable"] = True
                group["lr"] = torch.tensor(float(group["lr"]), device=device)

    @contextlib.contextmanager
    def warming(self):
        """Warm-up steps on a side stream, as torch.cuda.graph requires."""
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            yield
        torch.cuda.current_stream().wait_stream(side)

    def capture(self, step, inputs: list, generators):
        """Record step(*inputs); return (replay, outputs): replay() runs
        the recorded kernels again, writing into outputs."""
        graph = torch.cuda.CUDAGraph()
        for generator in generators:
            graph.register_generator_state(generator)
        with torch.cuda.graph(graph):
            outputs = step(*inputs)
        return graph.replay, outputs


def backend_for(device: torch.device) -> CudaGraphs | None:
    return CudaGraphs() if wanted(device) else None


def graphed(step, device: torch.device, generators=()):
    """step(*batch) (a training step of fixed shapes that returns a dict
    of tensors, with .optimizers) replayed as a CUDA graph on a GPU; the
    step itself elsewhere. generators: the noise generators it draws
    from besides torch's global one."""
    backend = backend_for(device)
    if backend is None:
        return step
    backend.prepare(step.optimizers, device)
    done = 0
    recorded = None  # (inputs, replay, outputs) once captured

    def run(*batch):
        nonlocal done, recorded
        done += 1
        shapes = [(b.shape, b.dtype) for b in batch]
        if recorded is None and done <= WARM_UP:
            with backend.warming():
                return step(*batch)
        if recorded is None:
            inputs = [b.to(device).clone() for b in batch]
            recorded = (inputs, *backend.capture(step, inputs, generators))
        inputs, replay, outputs = recorded
        if shapes != [(b.shape, b.dtype) for b in inputs]:
            return step(*batch)  # not the recorded shape: eagerly
        for static, b in zip(inputs, batch):
            static.copy_(b)
        replay()
        return {name: value.clone() for name, value in outputs.items()}

    run.optimizers = step.optimizers
    return run
