"""One training loop for every model family.

A family supplies a *step*: a function that takes one batch and returns a
dict of float losses. The loop knows nothing else about the model. It
repeats the step over batches, records the losses, shows progress with an
ETA, and calls callbacks every N steps and at the end of every epoch.
Taught on the page "Training loop".
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .runtime import check_int

Step = Callable[..., dict[str, float]]
Callback = Callable[["State"], None]


@dataclass
class State:
    """What callbacks see: where the loop is and what it has recorded."""

    step: int = 0
    epoch: int = 0
    total_steps: int = 0
    history: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0

    def last(self, name: str) -> float:
        return self.history[name][-1]


@dataclass(frozen=True, kw_only=True)
class Progress:
    """Prints `step/total loss=... ETA` lines to a stream (stderr)."""

    every: int = 50  # steps between lines
    label: str = "train"
    stream: object = None

    def __call__(self, state: State) -> None:
        if state.step % self.every and state.step != state.total_steps:
            return
        rate = state.seconds / max(state.step, 1)
        eta = rate * (state.total_steps - state.step)
        losses = " ".join(
            f"{k}={v[-1]:.4f}" for k, v in state.history.items()
        )
        print(
            f"[{self.label}] step {state.step}/{state.total_steps} "
            f"epoch {state.epoch} {losses} ETA {eta:.0f}s",
            file=self.stream or sys.stderr,
            flush=True,
        )


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
        per_epoch = min(per_epoch, steps_per_epoch) if per_epoch else \
            steps_per_epoch
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
            for name, value in losses.items():
                value = float(value)
                if not math.isfinite(value):
                    raise FloatingPointError(
                        f"loss {name!r} became {value} at step {state.step}; "
                        "lower lr or check the data"
                    )
                state.history.setdefault(name, []).append(value)
            state.seconds = time.perf_counter() - start
            for every, callback in on_step:
                if state.step % every == 0:
                    callback(state)
            if progress is not None:
                progress(state)
        for callback in on_epoch:
            callback(state)
    state.seconds = time.perf_counter() - start
    return state


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
