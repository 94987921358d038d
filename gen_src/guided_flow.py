"""Class-conditional flow matching in the VAE's latent space, with
classifier-free guidance (Ho & Salimans 2022), beside the CVAE.

One velocity network learns both the conditional field v(z, t, y) and,
with each label dropped to a "no label" token with probability
label_dropout, the unconditional one v(z, t). Sampling follows the
guided field

    v_w = v(z, t) + w (v(z, t, y) - v(z, t)),

w = 0 unconditional, w = 1 conditional, w > 1 guided past it: samples
that look more like their class, at the cost of variety. It builds on
the run "vae" (UPSTREAM), like gen_src/latent_flow.py. Taught on the page
docs/latent_diffusion.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import config as cfg
from . import denoising, flow_matching, latent_flow, loop
from .classifier import predict
from .metrics import frechet

NUM_CLASSES = 10


@dataclass(frozen=True, kw_only=True)
class GuidedFlowConfig(latent_flow.LatentFlowConfig):
    label_dropout: float = cfg.real(0.1, 0, 1)  # share trained unlabelled
    # the guidance scales scored; the figures and the page read them all
    guidance: tuple[float, ...] = cfg.reals(
        (0.0, 1.0, 2.0, 3.0, 5.0), 0.0, None, length=None
    )


def check_guidance(w: float) -> None:
    if not w >= 0:  # also refuses nan
        raise ValueError(
            f"guidance={w} is out of range: a guidance scale is at least 0 "
            "(0: unconditional, 1: conditional, above 1: guided); "
            "choose e.g. 2.0"
        )


def config_for(profile: str, **overrides) -> GuidedFlowConfig:
    return GuidedFlowConfig(
        **cfg.preset(profile, latent_flow.PRESETS, **overrides)
    )


# --8<-- [start:network]
class LabelledVelocity(latent_flow.LatentVelocity):
    """v(z, t, y): the latent flow's network with an embedding of the
    label y added to its input; y = NUM_CLASSES is "no label"."""

    def __init__(self, config: GuidedFlowConfig, embed: int = 32):
        super().__init__(config)
        self.label = nn.Embedding(NUM_CLASSES + 1, embed)
        self.net = denoising.TimeMLP(
            config.latent_dim + embed, config.hidden, out=config.latent_dim
        )

    def forward(self, z, t, y=None):
        if y is None:  # unconditional: every row unlabelled
            y = torch.full((len(z),), NUM_CLASSES, device=z.device)
        return self.net(torch.cat([z, self.label(y)], 1), t)


def guided(model: LabelledVelocity, y: torch.Tensor, w: float):
    """The guided field v_w(z, t) for labels y, as a network of (z, t)."""
    check_guidance(w)

    def field(z, t):
        free = model(z, t)
        return free + w * (model(z, t, y) - free)

    return field


# --8<-- [end:network]


def build(config: GuidedFlowConfig) -> dict[str, nn.Module]:
    return {**latent_flow.build(config), "velocity": LabelledVelocity(config)}


def loss(config: GuidedFlowConfig):
    """Flow matching's loss, each label dropped with label_dropout."""

    def value(model, z1, y):
        dropped = torch.rand(len(y), device=y.device) < config.label_dropout
        y = torch.where(dropped, NUM_CLASSES, y)
        z0 = torch.randn_like(z1)
        t = torch.rand(len(z1), device=z1.device)
        zt = (1 - t[:, None]) * z0 + t[:, None] * z1
        return (model(zt, t, y) - (z1 - z0)).pow(2).sum(1).mean()

    return value


def train(
    config: GuidedFlowConfig,
    *,
    device: str = "auto",
    progress: bool = True,
    upstream: loop.Run,
) -> loop.Run:
    """Flow matching on the codes of the VAE of upstream, with their
    labels, each dropped with probability label_dropout (loss)."""
    return latent_flow.fit_codes(
        config, upstream, build, loss(config), labels=True,
        evaluations=evaluations(config), device=device, progress=progress,
        label="guided-flow",
    )  # fmt: skip


def evaluations(config: GuidedFlowConfig) -> int:
    """Network evaluations a guided sample costs: two per step (with and
    without its label; one batch in practice)."""
    return 2 * flow_matching.evaluations(config.sample_steps, config.sampler)


@torch.no_grad()
def sample(run: loop.Run, labels: torch.Tensor, w: float, seed: int):
    """Images (N, 1, 28, 28) of the classes labels (N,), guided with
    scale w, each label's noise the same at every w."""
    velocity, model = run.models["velocity"], run.models["vae"]
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(len(labels), run.config.latent_dim, generator=gen)
    field = guided(velocity, labels, w)
    codes = flow_matching.sample(
        field, z, run.config.sample_steps, run.config.sampler
    )
    return model.decode(codes * velocity.std + velocity.mean)


def class_samples(run: loop.Run, per_class: int, w: float):
    labels = torch.arange(NUM_CLASSES).repeat_interleave(per_class)
    return sample(run, labels, w, run.config.seed + 1), labels


def score(run: loop.Run, classifier_run: loop.Run) -> dict[str, float]:
    """For each guidance scale w: the judge's class accuracy (the share
    of samples asked for class c that it calls c) and the Fréchet
    distance, precision and recall, as metrics guidance_W_NAME; as many
    samples as the CVAE's, the same number of each class."""
    per_class = max(1, run.config.num_samples // NUM_CLASSES)
    judge = classifier_run.models["classifier"]
    metrics = {}
    for w in run.config.guidance:
        images, labels = class_samples(run, per_class, w)
        accuracy = (predict(judge, images) == labels).float().mean().item()
        quality = frechet.frechet_to_test(judge, images, run.config.seed)
        for name, value in {"class_accuracy": accuracy, **quality}.items():
            metrics[f"guidance_{w:g}_{name}"] = value
    return metrics


# measured 2026-12-05 on 2 cores, with its scores: 23.2 s under quick
# (toy_ring_ns: 7.8 s); full estimated from 80 epochs' training (68.6 s)
COST = {"guided_flow": {"quick": 3.0, "full": 1.0}}
UPSTREAM = {"guided_flow": "vae"}
RUNS = {"guided_flow": lambda profile: config_for(profile)}
