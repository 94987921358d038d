"""What diffusion (diffusion.py) and flow matching (flow_matching.py)
share on 2-D data: a network of a point and a time, the data's scale,
and the training loop around each family's loss.

Both families learn a vector field over (x, t) by regression on pairs
made from a data point and a draw of Gaussian noise, then sample by
integrating from noise to data in many small steps. The network is an
MLP that reads the point and an embedding of t. Taught on the page
docs/diffusion.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from . import config as cfg
from . import data, loop, runtime, toy
from .metrics import modes


# --8<-- [start:network]
class TimeEmbedding(nn.Module):
    """t in [0, 1] -> sines and cosines of t at frequencies from 1 to
    max_frequency (geometric), so the MLP can tell nearby times apart."""

    def __init__(self, size: int = 32, max_frequency: float = 1000.0):
        super().__init__()
        freqs = torch.exp(
            torch.linspace(0, math.log(max_frequency), size // 2)
        )
        self.register_buffer("freqs", freqs)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        angles = t[:, None] * self.freqs  # (N, size / 2)
        return torch.cat([angles.sin(), angles.cos()], dim=1)


class TimeMLP(nn.Module):
    """f(x, t): a point x (N, dim) and its time t (N,) -> a vector like x
    (the noise in x for diffusion, the velocity for flow matching)."""

    def __init__(
        self, dim: int = 2, hidden=(256, 256, 256), embed: int = 32, out=None
    ):
        super().__init__()
        self.embed = TimeEmbedding(embed)
        layers, width = [], dim + embed
        for h in hidden:
            layers += [nn.Linear(width, h), nn.SiLU()]
            width = h
        self.net = nn.Sequential(*layers, nn.Linear(width, out or dim))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, self.embed(t)], dim=1))


# --8<-- [end:network]


@dataclass(frozen=True, kw_only=True)
class ToyDenoisingConfig(cfg.Config):
    """The settings both families share on the ring and the grid."""

    dataset: str = cfg.choice("ring", toy.TOY_DATASETS)
    # narrow, deep and many updates (flow matching on the grid, seed 0):
    # in equal time, 128 x 3 for 12,000 updates of 256 points placed 82%
    # of the samples on a mode, 256 x 3 for 3,000 of 512 points 22%; in
    # 20,000 updates, 128 x 4 placed 94.5%, 128 x 3 88%, 256 x 3 92%
    hidden: tuple[int, ...] = cfg.integers((128, 128, 128, 128))
    num_steps: int = cfg.integer(6000, 1)  # training updates
    batch_size: int = cfg.integer(256, 1)
    lr: float = cfg.real(2e-3, above=0)
    lr_cooldown: float = cfg.real(0.3, 0, 1)  # last share: lr falls to 0
    sample_steps: int = cfg.integer(100, 1)  # the sampler's steps
    num_samples: int = cfg.integer(modes.NUM_SAMPLES, 1)  # scored
    trajectory_points: int = cfg.integer(500, 1)  # paths kept for figures
    seed: int = cfg.integer(0, 0)

    @property
    def is_toy(self) -> bool:
        return True


PRESETS = {
    "smoke": dict(
        num_steps=60, batch_size=64, sample_steps=10, num_samples=500
    ),
    "quick": dict(num_steps=6000),
    "full": dict(num_steps=20000),
}


def data_scale(dataset: str) -> float:
    """The data's root mean square coordinate: the models see the points
    divided by it, so that data and noise have about unit variance."""
    centres = toy.modes(dataset)
    return float(centres.pow(2).mean().sqrt())


def data_bound(dataset: str) -> float:
    """How far from 0 the data reaches on either axis, in the model's
    units: the outermost modes plus 4 standard deviations."""
    edge = toy.modes(dataset).abs().max() + 4 * toy.mode_std(dataset)
    return float(edge) / data_scale(dataset)


def real_batches(config: ToyDenoisingConfig) -> data.Batches:
    """num_steps batches of fresh points, in the model's units."""
    gen = torch.Generator().manual_seed(config.seed)
    n = config.num_steps * config.batch_size
    points = toy.sample(config.dataset, n, gen) / data_scale(config.dataset)
    return data.Batches(points, batch_size=config.batch_size, generator=gen)


def cooldown(config: ToyDenoisingConfig, optimizer) -> object:
    """lr constant, then falling linearly to 0 over the last share."""
    start = int(config.num_steps * (1 - config.lr_cooldown))
    span = max(1, config.num_steps - start)

    def factor(step: int) -> float:
        return (
            1.0 if step < start else max(0.0, (config.num_steps - step) / span)
        )

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def fit(
    config: ToyDenoisingConfig,
    model: nn.Module,
    loss: Callable[..., torch.Tensor],  # (model, batch...) -> loss
    *,
    device: str = "auto",
    progress: bool = True,
    label: str = "denoising",
    batches: data.Batches | None = None,
    num_epochs: int = 1,
) -> tuple[loop.State, torch.device, nn.Module]:
    """Adam on the family's loss over fresh batches of the data (or over
    batches, num_epochs passes); the trained model, in eval mode on the
    CPU. (An average of the weights,
    as the GANs' generators have, lowered the ring's high-quality share
    from 60% to 13% at 3,000 updates: early weights weigh too much.)"""
    dev = runtime.resolve_device(device)
    model.to(dev).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    schedule = cooldown(config, optimizer)

    def step(*batch: torch.Tensor) -> dict[str, torch.Tensor]:
        value = loss(model, *batch)  # a batch of data (and its labels)
        loop.update(optimizer, value)
        schedule.step()
        return {"loss": value.detach()}

    state = loop.fit(
        step,
        (real_batches(config) if batches is None else batches).to(dev),
        num_epochs=num_epochs,
        progress=loop.Progress(
            every=max(1, config.num_steps // 10), label=label
        )
        if progress
        else None,
    )
    return state, dev, model.eval().cpu()


def noise(config: ToyDenoisingConfig, n: int | None = None) -> torch.Tensor:
    """The fixed starting noise of the scored samples (seed + 1)."""
    gen = torch.Generator().manual_seed(config.seed + 1)
    return torch.randn(n or config.num_samples, 2, generator=gen)


def scored(samples: torch.Tensor, dataset: str) -> dict[str, float]:
    """The PacGAN protocol's scores of samples in the model's units."""
    return modes.score(samples * data_scale(dataset), dataset)


def parameters(*models: nn.Module) -> int:
    """The networks' learned numbers: a sample's cost grows with them."""
    return sum(p.numel() for m in models for p in m.parameters())


def straightness(paths: torch.Tensor) -> float:
    """How straight particles travel, (steps + 1, N, 2): the mean over
    particles of the distance from start to end over the length of the
    path; 1 for straight lines."""
    length = (paths[1:] - paths[:-1]).norm(dim=2).sum(0)
    return float(((paths[-1] - paths[0]).norm(dim=1) / length).mean())


SWEEP = (1, 2, 5, 10, 20, 50, 100)  # sampler steps, for quality vs cost


def sweep(config, samplers: dict[str, Callable[[int], torch.Tensor]]):
    """(metrics, tensors): each sampler's high-quality share and modes
    for each of SWEEP's step counts (those the config allows), as
    metrics sweep_SAMPLER_STEPS_hq and _modes, and as tensors (len,) for
    figures."""
    steps = [s for s in SWEEP if s <= getattr(config, "T", s)]
    metrics, tensors = {}, {}
    for name, draw in samplers.items():
        scores = [scored(draw(s), config.dataset) for s in steps]
        for n, score in zip(steps, scores):
            metrics[f"sweep_{name}_{n}_hq"] = score["high_quality"]
            metrics[f"sweep_{name}_{n}_modes"] = score["modes"]
        tensors[f"sweep_{name}_steps"] = torch.tensor(steps)
        for key in ("high_quality", "modes"):
            tensors[f"sweep_{name}_{key}"] = torch.tensor(
                [s[key] for s in scores]
            )
    return metrics, tensors


def finish(
    config, state, dev, models: dict, draw, samplers, evaluations: int
) -> loop.Run:
    """The Run of a trained toy model. draw(steps, sampler, path) gives
    samples, in the model's units, from the fixed noise: config.sampler's
    are scored, every sampler's paths at config.sample_steps are kept
    (with their straightness), and each sampler's steps are swept."""
    scale, keep = data_scale(config.dataset), config.trajectory_points
    paths = {name: draw(config.sample_steps, name, True) for name in samplers}
    scored_paths = paths[config.sampler]
    metrics = {
        "steps": state.step,
        "evaluations": evaluations,
        "parameters": parameters(*models.values()),
        **scored(scored_paths[-1], config.dataset),
        "straightness": straightness(scored_paths[:, :keep]),
    }
    tensors = {
        "samples": scored_paths[-1] * scale,
        "paths": scored_paths[:, :keep] * scale,
    }
    for name, other in paths.items():
        if name != config.sampler:
            metrics[f"{name}_straightness"] = straightness(other[:, :keep])
            tensors[f"{name}_paths"] = other[:, :keep] * scale
    swept = sweep(
        config, {n: (lambda s, n=n: draw(s, n, False)) for n in samplers}
    )
    metrics.update(swept[0]), tensors.update(swept[1])
    return loop.Run(
        config=config,
        models=models,
        history=state.history,
        metrics=metrics,
        tensors=tensors,
        seconds=state.seconds,
        device=runtime.device_name(dev),
    )
