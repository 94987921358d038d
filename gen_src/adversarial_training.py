"""Training a pair of adversarial networks: the loop around the step.

The real data of each round, the learning-rate cool-down, the snapshots
and the training replay the GAN page shows, and train_adversarial, which
trains the MLP GAN (gen_src.gan), DCGAN (gen_src.dcgan) and WGAN-GP
(gen_src.wgan) with gen_src.adversarial's step. Taught on the page
docs/gan.md.
"""

from __future__ import annotations

import types

import torch
from torch import nn

from . import adversarial, data, runtime, toy
from .adversarial import Game, fixed_noise, generate
from .loop import Progress, Run, fit
from .metrics import modes


def real_batches(config, device: torch.device) -> data.Batches:
    """k mini-batches of real data per round, as one tensor.

    Toy data: num_steps rounds of fresh samples. Images: Fashion-MNIST
    scaled to [-1, 1] (G ends in tanh), kept on the device.
    """
    gen = torch.Generator().manual_seed(config.seed)
    size = config.batch_size * config.d_steps
    if config.is_toy:
        points = toy.sample(config.dataset, config.num_steps * size, gen)
        return data.Batches(points, batch_size=size, generator=gen)
    images = data.subset(
        data.load(config.dataset, "train"), config.train_size, config.seed
    ).images
    return data.Batches(
        (images * 2 - 1).to(device), batch_size=size, generator=gen
    )


def lr_factor(t: int, total: int, cooldown: float) -> float:
    """1 until the last `cooldown` share of the steps, then down to 0."""
    left = (total - t) / max(cooldown * total, 1e-9)
    return min(1.0, max(0.0, left))


def cooldown(step, config, total: int) -> list:
    """Schedules that keep the lr of both optimisers of step, then lower
    it linearly to 0 over the last config.lr_cooldown share of the total
    rounds. Call .step() on each after every round."""
    return [
        torch.optim.lr_scheduler.LambdaLR(
            opt, lambda t: lr_factor(t, total, config.lr_cooldown)
        )
        for opt in step.optimizers
    ]


class Replay:
    """What the training replay on the GAN page shows, recorded while
    training: every `every` rounds, G's samples for a fixed z and D's raw
    output (a logit, or a critic's score) on a grid over the plane."""

    POINTS, GRID = 500, 48

    def __init__(self, G: nn.Module, D: nn.Module, config):
        self.G, self.D = G, D
        self.every = max(1, config.num_steps // config.replay_frames)
        self.z = fixed_noise(self.POINTS, config.latent_dim, config.seed + 2)
        self.plane = toy.plane(config.dataset, self.GRID)
        self.pack = config.pack
        self.frames: dict[int, tuple] = {}
        self(types.SimpleNamespace(step=0))  # before the first round

    def __call__(self, state) -> None:
        if state.step in self.frames:
            return
        view = adversarial.view(self.D, self.plane, self.pack)
        self.frames[state.step] = (
            generate(self.G, self.z),
            view.view(self.GRID, self.GRID),
        )

    def tensors(self) -> dict[str, torch.Tensor]:
        steps = sorted(self.frames)
        return {
            "replay_steps": torch.tensor(steps),
            "replay_points": torch.stack([self.frames[s][0] for s in steps]),
            "replay_view": torch.stack([self.frames[s][1] for s in steps]),
        }


def train_adversarial(
    config,
    models: dict[str, nn.Module],
    *,
    device,
    progress,
    label: str,
    game: Game | None = None,
) -> Run:
    """Train models G and D with make_step: the MLP GAN, DCGAN, WGAN-GP."""
    dev = runtime.resolve_device(device)
    G, D = models["G"].to(dev).train(), models["D"].to(dev).train()
    step = adversarial.make_step(G, D, config, dev, game)
    is_toy = config.is_toy
    batches = real_batches(config, dev)
    epochs = 1 if is_toy else config.num_epochs
    total = len(batches) * epochs
    schedules = cooldown(step, config, total)
    callbacks = [(1, lambda state: [s.step() for s in schedules])]
    shown_G = G
    if config.g_ema:
        shown_G = torch.optim.swa_utils.AveragedModel(
            G,
            multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(
                config.g_ema
            ),
        )
        callbacks.append((1, lambda state: shown_G.update_parameters(G)))
    if is_toy:  # G(z) for one fixed z along the way, for the figures
        z = fixed_noise(config.num_samples, config.latent_dim, config.seed)
        shots = {0: generate(shown_G, z)}
        callbacks.append(
            (
                config.snapshot_every,
                lambda state: shots.update({state.step: generate(shown_G, z)}),
            )
        )
        replay = Replay(G, D, config)
        callbacks.append((replay.every, replay))
    shown = Progress(every=max(1, total // 10), label=label)
    state = fit(
        step,
        batches,
        num_epochs=epochs,
        on_step=callbacks,
        progress=shown if progress else None,
    )
    metrics, tensors = {}, {}
    if is_toy:
        shots[state.step] = generate(shown_G, z)
        replay(state)
        tensors = {
            "snapshots": torch.stack(list(shots.values())),
            "snapshot_steps": torch.tensor(list(shots)),
            **replay.tensors(),
        }
        metrics = modes.score(shots[state.step], config.dataset)
    metrics["steps"] = state.step
    metrics["seconds_per_step"] = state.seconds / max(state.step, 1)
    return Run(
        config=config,
        models={k: m.eval().cpu() for k, m in models.items()},
        history=state.history,
        metrics=metrics,
        tensors=tensors,
        seconds=state.seconds,
        device=runtime.device_name(dev),
    )
