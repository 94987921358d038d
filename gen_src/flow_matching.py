"""Flow matching (Lipman et al. 2023) on the straight path of rectified
flow (Liu et al. 2023), on 2-D data.

A point on the path from a noise draw z to a data point x is
x_t = (1 - t) z + t x, for t from 0 (noise) to 1 (data); along it the
velocity is x - z. A network v(x_t, t) regresses that velocity at
random times. The average of the velocities through a point is the
velocity field of a flow that carries the noise's distribution to the
data's, so integrating dx/dt = v(x, t) from t = 0 to 1 samples: with
Euler steps, or Heun's (two evaluations a step, second order). Taught on
the page docs/diffusion.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import config as cfg
from . import denoising, runtime
from .loop import Run

SAMPLERS = ("euler", "heun")


@dataclass(frozen=True, kw_only=True)
class FlowConfig(denoising.ToyDenoisingConfig):
    sampler: str = cfg.choice("euler", SAMPLERS)  # of the scored samples

    @property
    def method(self) -> str:
        """Its name in the mode benchmark."""
        return "flow-matching"


STACKS = False  # the mode benchmark trains each seed by itself


def config_for(profile: str, **overrides) -> FlowConfig:
    return FlowConfig(**cfg.preset(profile, denoising.PRESETS, **overrides))


# --8<-- [start:loss]
def loss(model: nn.Module, x1: torch.Tensor) -> torch.Tensor:
    """How well v(x_t, t) predicts the velocity x1 - z of the straight
    path through x_t, for t drawn uniformly from [0, 1]."""
    z = torch.randn_like(x1)
    t = torch.rand(len(x1), device=x1.device)
    xt = (1 - t[:, None]) * z + t[:, None] * x1
    return (model(xt, t) - (x1 - z)).pow(2).sum(1).mean()


# --8<-- [end:loss]


# --8<-- [start:sample]
@torch.no_grad()
def sample(
    model: nn.Module,
    z: torch.Tensor,
    steps: int,
    sampler: str = "euler",
    *,
    path: bool = False,
) -> torch.Tensor:
    """Integrate dx/dt = v(x, t) from z at t = 0 to t = 1 in `steps`
    equal steps. Heun's step averages the slope at its start with the
    slope at the Euler step's end; its last step is Euler's (as in Karras
    et al. 2022), since at t = 1 the field is v(x, 1) = x, which pulls
    towards no mode. path: every step's points."""
    cfg.check_int("sample_steps", steps, 1)
    cfg.check_choice("sampler", sampler, SAMPLERS)
    h = 1.0 / steps
    x, out = z, [z]
    for k in range(steps):
        t = torch.full((len(x),), k * h, device=x.device)
        v = model(x, t)
        if sampler == "heun" and k < steps - 1:
            guess = x + h * v
            v = (v + model(guess, t + h)) / 2
        x = x + h * v
        out.append(x)
    return torch.stack(out) if path else x


# --8<-- [end:sample]


def evaluations(steps: int, sampler: str) -> int:
    """Network evaluations per sample (Heun's last step is Euler's)."""
    return 2 * steps - 1 if sampler == "heun" else steps


def build(config: FlowConfig) -> dict[str, nn.Module]:
    return {"velocity": denoising.TimeMLP(2, config.hidden)}


def train(
    config: FlowConfig, *, device: str = "auto", progress: bool = True
) -> Run:
    runtime.set_seed(config.seed)
    model = build(config)["velocity"]
    state, dev, model = denoising.fit(
        config, model, loss, device=device, progress=progress,
        label=f"flow-{config.dataset}",
    )  # fmt: skip
    z = denoising.noise(config)

    def draw(steps, sampler, path):
        return sample(model, z, steps, sampler, path=path)

    return denoising.finish(
        config, state, dev, {"velocity": model}, draw, SAMPLERS,
        evaluations(config.sample_steps, config.sampler),
    )  # fmt: skip


# measured: 15.4 s under quick (toy_ring_ns: 7.8), 44.3 s under full (68.6)
COST = {
    "flow_ring": {"quick": 2.0, "full": 0.65},
    "flow_grid": {"quick": 2.0, "full": 0.65},
}
RUNS = {
    "flow_ring": lambda profile: config_for(profile, dataset="ring"),
    "flow_grid": lambda profile: config_for(profile, dataset="grid"),
}
