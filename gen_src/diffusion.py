"""Denoising diffusion (DDPM; Ho et al. 2020) and its deterministic
sampler (DDIM; Song, Meng & Ermon 2021) on 2-D data.

The forward process adds Gaussian noise in T small steps, with variances
beta_1..beta_T (the schedule). Its marginals have a closed form:
x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, abar_t the product of
(1 - beta_s) up to t. A network eps(x_t, t) learns to predict the noise
(the simple loss, the ELBO with its weights dropped); sampling runs the
chain backwards from pure noise. The schedule is linear in beta (Ho et
al.) or cosine in abar (Nichol & Dhariwal 2021). Taught on the page
docs/diffusion.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from . import config as cfg
from . import denoising, runtime
from .loop import Run

SCHEDULES = ("linear", "cosine")
SAMPLERS = ("ddpm", "ddim")


@dataclass(frozen=True, kw_only=True)
class DiffusionConfig(denoising.ToyDenoisingConfig):
    # cosine: the grid's samples 69% of high quality after 12,000
    # updates, against 19% with the linear schedule
    schedule: str = cfg.choice("cosine", SCHEDULES)
    T: int = cfg.integer(1000, 1)  # steps of the forward process
    sampler: str = cfg.choice("ddpm", SAMPLERS)  # of the scored samples

    @property
    def method(self) -> str:
        """Its name in the mode benchmark."""
        return "diffusion"

    def check(self) -> None:
        check_steps(self.sample_steps, self.T)


STACKS = False  # the mode benchmark trains each seed by itself


def config_for(profile: str, **overrides) -> DiffusionConfig:
    return DiffusionConfig(
        **cfg.preset(profile, denoising.PRESETS, **overrides)
    )


def check_steps(steps: int, T: int) -> None:
    cfg.check_int("sample_steps", steps, 1)
    if steps > T:
        raise ValueError(
            f"sample_steps={steps} is out of range: a sampler can take at "
            f"most the T={T} steps the model was trained on; choose 1..{T}"
        )


# --8<-- [start:schedule]
def alpha_bar(schedule: str, T: int) -> torch.Tensor:
    """abar_t for t = 0..T (abar_0 = 1: no noise yet), float64."""
    cfg.check_choice("schedule", schedule, SCHEDULES)
    cfg.check_int("T", T, 1)
    if schedule == "linear":  # beta from 1e-4 to 0.02, scaled to T steps
        betas = torch.linspace(1e-4, 0.02, T, dtype=torch.float64) * 1000 / T
    else:  # abar follows a squared cosine; s keeps beta_1 from being tiny
        s = 0.008
        f = (
            torch.cos((torch.arange(T + 1) / T + s) / (1 + s) * math.pi / 2)
            ** 2
        )
        ratio = (f[1:] / f[:-1]).to(torch.float64)
        betas = (1 - ratio).clamp(max=0.999)
    return torch.cat(
        [torch.ones(1, dtype=torch.float64), (1 - betas).cumprod(0)]
    )


def forward_sample(x0, t, eps, abar: torch.Tensor) -> torch.Tensor:
    """x_t ~ q(x_t | x_0) in one step: t (N,) integers in 0..T."""
    a = abar[t].to(x0.dtype)[:, None]
    return a.sqrt() * x0 + (1 - a).sqrt() * eps


# --8<-- [end:schedule]


# --8<-- [start:loss]
def loss(
    model: nn.Module, x0: torch.Tensor, abar: torch.Tensor
) -> torch.Tensor:
    """The simple loss: how well eps(x_t, t) predicts the noise in x_t,
    for a time t drawn uniformly from 1..T."""
    T = len(abar) - 1
    t = torch.randint(1, T + 1, (len(x0),), device=x0.device)
    eps = torch.randn_like(x0)
    predicted = model(forward_sample(x0, t, eps, abar), t / T)
    return (predicted - eps).pow(2).sum(1).mean()


# --8<-- [end:loss]


# --8<-- [start:sample]
@torch.no_grad()
def sample(
    model: nn.Module,
    z: torch.Tensor,
    abar: torch.Tensor,
    steps: int,
    sampler: str = "ddpm",
    *,
    clip: float | None = None,
    generator: torch.Generator | None = None,
    path: bool = False,
) -> torch.Tensor:
    """From noise z (N, 2) to data in `steps` steps on the times
    T = tau_steps > ... > tau_0 = 0. Each step predicts the noise, hence
    x_0, and moves to the previous time: DDPM draws from the posterior
    q(x_prev | x_t, x_0) (ancestral sampling; with steps < T, the
    respaced chain of Nichol & Dhariwal), DDIM takes the deterministic
    step (eta = 0). clip: the estimate of x_0 is kept within
    [-clip, clip] (Ho et al. clip images to their range). path: every
    step's points, (steps + 1, N, 2)."""
    cfg.check_choice("sampler", sampler, SAMPLERS)
    T = len(abar) - 1
    check_steps(steps, T)
    taus = torch.linspace(0, T, steps + 1).round().long().tolist()
    x, out = z, [z]
    for t, prev in zip(taus[:0:-1], taus[-2::-1]):
        a_t, a_prev = abar[t].item(), abar[prev].item()
        time = torch.full((len(x),), t / T, device=x.device)
        eps = model(x, time)
        x0 = (x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)
        if clip is not None:  # near t = T, x0's estimate divides by ~0
            x0 = x0.clamp(-clip, clip)
            # the noise that agrees with the clipped x0: the raw one, far
            # from the data, grows with x and throws points out of range
            eps = (x - math.sqrt(a_t) * x0) / math.sqrt(1 - a_t)
        if sampler == "ddpm" and prev > 0:
            var = (1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)
            direction = math.sqrt(1 - a_prev - var) * eps
            fresh = torch.randn(x.shape, generator=generator, device=x.device)
            kick = math.sqrt(var) * fresh
        else:  # DDIM, and the last step of both: to x_0's estimate's time
            direction, kick = math.sqrt(1 - a_prev) * eps, 0.0
        x = math.sqrt(a_prev) * x0 + direction + kick
        out.append(x)
    return torch.stack(out) if path else x


# --8<-- [end:sample]


def build(config: DiffusionConfig) -> dict[str, nn.Module]:
    return {"eps": denoising.TimeMLP(2, config.hidden)}


def train(
    config: DiffusionConfig, *, device: str = "auto", progress: bool = True
) -> Run:
    runtime.set_seed(config.seed)
    model = build(config)["eps"]
    abar = alpha_bar(config.schedule, config.T)
    state, dev, model = denoising.fit(
        config,
        model,
        lambda m, x0: loss(m, x0, abar.to(x0.device)),
        device=device,
        progress=progress,
        label=f"diffusion-{config.dataset}",
    )
    z = denoising.noise(config)
    bound = denoising.data_bound(config.dataset)

    def draw(steps, sampler, path):
        gen = torch.Generator().manual_seed(config.seed + 2)
        return sample(
            model, z, abar, steps, sampler,
            clip=bound, generator=gen, path=path,
        )  # fmt: skip

    return denoising.finish(
        config, state, dev, {"eps": model}, draw, SAMPLERS,
        config.sample_steps,
    )  # fmt: skip


# measured: 20.5 s under quick (toy_ring_ns: 7.8), 45.7 s under full (68.6)
COST = {
    "diffusion_ring": {"quick": 2.6, "full": 0.67},
    "diffusion_grid": {"quick": 2.6, "full": 0.67},
}
RUNS = {
    "diffusion_ring": lambda profile: config_for(profile, dataset="ring"),
    "diffusion_grid": lambda profile: config_for(profile, dataset="grid"),
}
