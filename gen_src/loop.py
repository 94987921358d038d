"""One training loop for every model family.

A family supplies a *step*: a function that takes one batch and returns a
dict of float losses. The loop knows nothing else about the model. It
repeats the step over batches, records the losses, shows progress with an
ETA, and calls callbacks every N steps and at the end of every epoch.

Train and eval mode are handled one way everywhere: a step puts its
networks in train mode, and everything that only evaluates them runs
inside `evaluating(...)`, which restores the mode they had.
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .config import check_int

if TYPE_CHECKING:
    from torch import nn

Step = Callable[..., dict[str, float]]
READ_EVERY = 50  # steps between reads of the losses (a GPU waits for each)
Callback = Callable[["State"], None]


@dataclass
class State:
    """What callbacks see: where the loop is and what it has recorded."""

    step: int = 0
    epoch: int = 0
    total_steps: int = 0
    history: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    # (step, losses) not read yet: a step's losses may stay on the device
    pending: list = field(default_factory=list)

    def last(self, name: str) -> float:
        self.read_back()
        return self.history[name][-1]

    def read_back(self) -> None:
        """The losses of the steps since the last read, into history as
        numbers: read from a GPU in one go, not once a step (each read
        waits for the device). A non-finite loss stops training."""
        for name in self.pending[0][1] if self.pending else ():
            values = _numbers([losses[name] for _, losses in self.pending])
            for (at, _), value in zip(self.pending, values):
                for v in value if isinstance(value, list) else [value]:
                    if not math.isfinite(v):
                        raise FloatingPointError(
                            f"loss {name!r} became {v} at step {at}; "
                            "lower lr or check the data"
                        )
            self.history.setdefault(name, []).extend(values)
        self.pending.clear()


@dataclass(frozen=True, kw_only=True)
class Progress:
    """Prints `step/total loss=... ETA` lines to a stream (stderr)."""

    every: int = 50  # steps between lines
    label: str = "train"
    stream: object = None

    def due(self, state: State) -> bool:
        return not state.step % self.every or state.step == state.total_steps

    def __call__(self, state: State) -> None:
        if not self.due(state):
            return
        state.read_back()
        rate = state.seconds / max(state.step, 1)
        eta = rate * (state.total_steps - state.step)
        losses = " ".join(
            f"{k}={_mean(v[-1]):.4f}" for k, v in state.history.items()
        )  # a stack's: the mean over its runs
        print(
            f"[{self.label}] step {state.step}/{state.total_steps} "
            f"epoch {state.epoch} {losses} ETA {eta:.0f}s",
            file=self.stream or sys.stderr,
            flush=True,
        )


def _mean(value: float | list[float]) -> float:
    return sum(value) / len(value) if isinstance(value, list) else value


def fit(
    step: Step,
    batches: Iterable,
    *,
    num_epochs: int = 1,
    steps_per_epoch: int | None = None,
    on_step: Iterable[tuple[int, Callback]] = (),
    on_epoch: Iterable[Callback] = (),
    progress: Progress | None = None,
) -> State:
    """Run `step` over `batches` for num_epochs; return the State.

    batches: an iterable that can be iterated once per epoch, e.g.
        `data.Batches` (reshuffled on every pass).
    steps_per_epoch: cap on steps per epoch (None: the whole iterable).
    on_step: (every, callback) pairs, called when step % every == 0.
    """
    check_int("num_epochs", num_epochs, 1)
    if steps_per_epoch is not None:
        check_int("steps_per_epoch", steps_per_epoch, 1)
    state = State()
    per_epoch = len(batches) if hasattr(batches, "__len__") else 0
    if steps_per_epoch is not None:
        per_epoch = (
            min(per_epoch, steps_per_epoch) if per_epoch else steps_per_epoch
        )
    state.total_steps = num_epochs * per_epoch
    on_step = list(on_step)
    start = time.perf_counter()
    for epoch in range(1, num_epochs + 1):
        state.epoch = epoch
        for i, batch in enumerate(batches):
            if steps_per_epoch is not None and i >= steps_per_epoch:
                break
            losses = step(*batch) if isinstance(batch, tuple) else step(batch)
            state.step += 1
            state.pending.append((state.step, losses))
            tensors = any(hasattr(v, "detach") for v in losses.values())
            if not tensors or not state.step % READ_EVERY:
                state.read_back()
            state.seconds = time.perf_counter() - start
            for every, callback in on_step:
                if state.step % every == 0:
                    callback(state)
            if progress is not None:
                progress(state)
        state.read_back()
        for callback in on_epoch:
            callback(state)
    state.seconds = time.perf_counter() - start
    return state


def _numbers(values: list) -> list:
    """Floats, or a list of floats per step for a stack's (K,) values,
    from floats or tensors (read back together)."""
    if not hasattr(values[0], "detach"):
        return [float(v) for v in values]
    import torch

    return torch.stack([v.detach() for v in values]).tolist()


def run_history(history: dict, k: int, size: int) -> dict:
    """Run k's losses out of a stack of size runs (each value a list of
    size numbers); a run alone's history as it is."""
    if size == 1:
        return history
    return {name: [v[k] for v in values] for name, values in history.items()}


def update(optimizer, loss) -> None:
    """One gradient step: clear the old gradients, backpropagate, step."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


@contextlib.contextmanager
def evaluating(*models: nn.Module) -> Iterator[None]:
    """Eval mode and no gradients inside; each model's mode restored."""
    import torch

    modes = [m.training for m in models]
    try:
        with torch.no_grad():
            for m in models:
                m.eval()
            yield
    finally:
        for m, mode in zip(models, modes):
            m.train(mode)


@dataclass
class Run:
    """The outcome of training one model family under one config.

    models: the trained networks by name ("G", "D", "vae", ...), in eval
        mode, on the CPU, so figures can be drawn from them.
    history: per-step losses from `State.history` (and any per-epoch
        series a family adds, e.g. "test_nelbo").
    metrics: the key numbers, e.g. {"modes": 8, "high_quality": 0.93}.
    tensors: extra tensors a figure needs (snapshots taken in training).
    seconds: wall time of training; device: the name of the device.
    """

    config: object
    models: dict
    history: dict[str, list[float]]
    metrics: dict[str, float]
    tensors: dict = field(default_factory=dict)
    seconds: float = 0.0
    device: str = "CPU"


def train_on_images(
    config,
    name: str,
    build: Callable,
    make_step: Callable,
    test_scores: Callable,
    *,
    labels: bool = False,
    device: str = "auto",
    progress: bool = True,
) -> Run:
    """Fit one network on Fashion-MNIST for config.num_epochs.

    The autoencoder, VAE, CVAE and classifier train this way: build
    (config)[name] is the network, made after seeding; make_step
    (model, config) makes one update per mini-batch (of images, or of
    images and labels); test_scores(model, test_set, config) scores the
    test set after every epoch, and each of its numbers becomes a
    per-epoch history ("test_nelbo") whose last value is a metric.
    """
    from . import data, runtime

    dev = runtime.start(config.seed, device)
    model = build(config)[name].to(dev)
    train_set, test_set = data.splits(config, dev)
    tensors = (
        (train_set.images, train_set.labels) if labels else (train_set.images,)
    )
    per_epoch: dict[str, list[float]] = {}

    def test_epoch(state: State) -> None:
        for key, value in test_scores(model, test_set, config).items():
            per_epoch.setdefault(f"test_{key}", []).append(value)

    state = fit(
        make_step(model, config),
        data.batches(config, *tensors),
        num_epochs=config.num_epochs,
        on_epoch=[test_epoch],
        progress=Progress(every=100, label=name) if progress else None,
    )
    return Run(
        config=config,
        models={name: model.cpu().eval()},
        history={**state.history, **per_epoch},
        metrics={k: values[-1] for k, values in per_epoch.items()},
        seconds=state.seconds,
        device=runtime.device_name(dev),
    )
