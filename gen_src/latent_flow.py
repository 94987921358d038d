"""Flow matching in the latent space of the site's VAE: latent diffusion
(Rombach et al. 2022) at classroom scale.

The VAE (gen_src/vae.py, the run "vae") has already learned to map an
image to a code of 20 numbers and back. Its own samples decode codes
drawn from its prior N(0, I), but the codes of real images do not fill
that prior: they gather in a smaller, lumpier region, and a code drawn
where no image's code lies decodes to a blur. Here flow matching learns
where the codes of real images lie (their encoder means), and its
samples go through the same decoder. The VAE is not trained again: the
run builds on the run "vae" (UPSTREAM) and keeps a copy of its weights.
Taught on the page docs/latent_diffusion.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import config as cfg
from . import data, denoising, flow_matching, loop, runtime, vae
from .metrics import frechet


@dataclass(frozen=True, kw_only=True)
class LatentFlowConfig(cfg.TrainingConfig):
    latent_dim: int = cfg.integer(20, 1)  # the VAE's: checked in train
    vae_hidden: int = cfg.integer(400, 1)  # the VAE's hidden width
    hidden: tuple[int, ...] = cfg.integers((256, 256, 256))
    num_epochs: int = cfg.integer(12, 1)  # passes over the codes
    batch_size: int = cfg.integer(256, 1)
    lr: float = cfg.real(1e-3, above=0)
    lr_cooldown: float = cfg.real(0.3, 0, 1)  # last share: lr falls to 0
    sampler: str = cfg.choice("heun", flow_matching.SAMPLERS)
    sample_steps: int = cfg.integer(10, 1)
    num_samples: int = cfg.integer(frechet.NUM_IMAGES, 1)  # scored

    @property
    def num_steps(self) -> int:
        """Training updates: num_epochs passes of whole batches."""
        return self.num_epochs * (
            (self.train_size or 60_000) // self.batch_size
        )


PRESETS = {
    "smoke": {**cfg.SMOKE, "num_epochs": 2, "num_samples": 512},
    "quick": {},
    "full": {"num_epochs": 80},
}


def config_for(profile: str, **overrides) -> LatentFlowConfig:
    return LatentFlowConfig(**cfg.preset(profile, PRESETS, **overrides))


class LatentVelocity(nn.Module):
    """v(code, t) on codes standardised by the training codes' mean and
    standard deviation (kept as buffers, saved with the weights)."""

    def __init__(self, config: LatentFlowConfig):
        super().__init__()
        self.net = denoising.TimeMLP(config.latent_dim, config.hidden)
        self.register_buffer("mean", torch.zeros(config.latent_dim))
        self.register_buffer("std", torch.ones(config.latent_dim))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(x, t)


def build(config: LatentFlowConfig) -> dict[str, nn.Module]:
    shape = vae.VAEConfig(
        latent_dim=config.latent_dim, hidden_dim=config.vae_hidden
    )
    return {"velocity": LatentVelocity(config), "vae": vae.VAE(shape)}


# --8<-- [start:codes]
@torch.no_grad()
def codes(model: vae.VAE, images: torch.Tensor) -> torch.Tensor:
    """The encoder's means of images (N, 1, 28, 28): (N, latent_dim)."""
    return torch.cat(
        [model.encoder(b.flatten(1))[0] for b in images.split(1000)]
    )


# --8<-- [end:codes]


# --8<-- [start:sample]
@torch.no_grad()
def sample(run: loop.Run, n: int, seed: int, *, path: bool = False):
    """n images (N, 1, 28, 28) from the flow's codes, decoded; with path,
    every step's decoded images (steps + 1, N, 1, 28, 28)."""
    velocity, model = run.models["velocity"], run.models["vae"]
    z = torch.randn(
        n, run.config.latent_dim, generator=torch.Generator().manual_seed(seed)
    )
    steps = flow_matching.sample(
        velocity, z, run.config.sample_steps, run.config.sampler, path=path
    )
    unscaled = steps * velocity.std + velocity.mean
    if not path:
        return model.decode(unscaled)
    return torch.stack([model.decode(c) for c in unscaled])


# --8<-- [end:sample]


def copy_of_vae(config, upstream: loop.Run, models: dict) -> dict:
    """models, their "vae" loaded with the weights of upstream's."""
    autoencoder = upstream.models["vae"]
    if autoencoder.latent_dim != config.latent_dim:
        raise ValueError(
            f"latent_dim={config.latent_dim} is not the upstream VAE's "
            f"({autoencoder.latent_dim}); set latent_dim="
            f"{autoencoder.latent_dim} in gen_src/latent_flow.py"
        )
    models["vae"].load_state_dict(autoencoder.state_dict())
    return models


# --8<-- [start:train]
def fit_codes(
    config, upstream: loop.Run, build, loss, *, labels: bool,
    evaluations: int, device: str, progress: bool, label: str,
) -> loop.Run:  # fmt: skip
    """Flow matching (loss) on the codes of the training images (with
    their labels if labels) under the VAE of upstream, a trained run of
    gen_src/vae.py; build(config): the family's networks, built after
    the seed is set, the VAE's weights copied in."""
    runtime.set_seed(config.seed)
    models = copy_of_vae(config, upstream, build(config))
    velocity = models["velocity"]
    train_set = data.load(config.dataset, "train")
    x = codes(models["vae"].eval(), train_set.images[: config.train_size])
    velocity.mean.copy_(x.mean(0)), velocity.std.copy_(x.std(0))
    batches = data.Batches(
        (x - velocity.mean) / velocity.std,
        *([train_set.labels[: config.train_size]] if labels else []),
        batch_size=config.batch_size,
        generator=torch.Generator().manual_seed(config.seed),
    )
    state, dev, velocity = denoising.fit(
        config, velocity, loss, device=device, progress=progress,
        label=label, batches=batches, num_epochs=config.num_epochs,
    )  # fmt: skip
    models["velocity"] = velocity
    return loop.Run(
        config=config,
        models={k: m.eval() for k, m in models.items()},
        history=state.history,
        metrics={
            "steps": state.step,
            "train_codes": len(x),
            "parameters": denoising.parameters(velocity),
            "evaluations": evaluations,
        },
        tensors={},
        seconds=state.seconds,
        device=runtime.device_name(dev),
    )


def train(
    config: LatentFlowConfig,
    *,
    device: str = "auto",
    progress: bool = True,
    upstream: loop.Run,
) -> loop.Run:
    """Flow matching on the codes of the VAE of upstream."""
    return fit_codes(
        config, upstream, build, flow_matching.loss, labels=False,
        evaluations=flow_matching.evaluations(
            config.sample_steps, config.sampler
        ),
        device=device, progress=progress, label="latent-flow",
    )  # fmt: skip


# --8<-- [end:train]


def score(run: loop.Run, classifier_run: loop.Run) -> dict[str, float]:
    """The judge's Fréchet distance, precision and recall of the flow's
    samples; the same for the VAE's prior samples through the same
    decoder (prior_ keys); and the distance of the decoded codes of real
    training images (reconstructed_frechet: no model of the codes does
    much better through this decoder). As many samples as the other
    image models."""
    n, seed = run.config.num_samples, run.config.seed
    judge, model = classifier_run.models["classifier"], run.models["vae"]
    ours = frechet.frechet_to_test(judge, sample(run, n, seed + 1), seed)
    prior = vae.sample(model, n, torch.Generator().manual_seed(seed))
    theirs = frechet.frechet_to_test(judge, prior, seed)
    images = data.load(run.config.dataset, "train").images[-n:]
    with torch.no_grad():
        decoded = model.decode(codes(model, images))
    floor = frechet.frechet_to_test(judge, decoded, seed)["frechet"]
    return (
        ours
        | {f"prior_{k}": v for k, v in theirs.items()}
        | {
            "reconstructed_frechet": floor,
            # the distances as shares of the prior's, which the page reads
            "frechet_ratio": ours["frechet"] / theirs["frechet"],
            "reconstructed_ratio": floor / theirs["frechet"],
        }
    )


# measured 2026-12-05 on 2 cores, with its scores: 16.6 s under quick
# (toy_ring_ns: 7.8 s); full estimated from 80 epochs' training (68.6 s)
COST = {"latent_flow": {"quick": 2.1, "full": 0.85}}
UPSTREAM = {"latent_flow": "vae"}
RUNS = {"latent_flow": lambda profile: config_for(profile)}
