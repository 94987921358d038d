"""The GAN with spectral normalisation in D (Miyato et al. 2018).

Every linear layer of the discriminator divides its weight by its largest
singular value, estimated by one step of power iteration per forward pass
(torch.nn.utils.parametrizations.spectral_norm), so each layer is
1-Lipschitz and D, with LeakyReLU between them, is too. It is a fourth
way to control D's slope, beside WGAN-GP's penalty, R1 and weight
clipping. The networks, the game and the training are the MLP GAN's
(gen_src.gan) on the 2-D data; only D's layers change. The mode
ablation (gen_src.builder.bench_ablations) trains it. Taught on the page
docs/gan_remedies.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from . import adversarial_training, gan, runtime, toy, toy_training
from . import config as cfg
from .loop import Run


@dataclass(frozen=True, kw_only=True)
class SNGANConfig(gan.GANConfig):
    """The GAN's config; the method's name says D is normalised."""

    @property
    def method(self) -> str:
        return f"{super().method}-sn"

    def check(self) -> None:
        super().check()
        if not self.is_toy:
            raise ValueError(
                f"dataset={self.dataset!r} is out of range for the GAN "
                f"with spectral norm: choose {' or '.join(toy.TOY_DATASETS)}"
            )


def config_for(profile: str, **overrides) -> SNGANConfig:
    """The GAN's presets on the 2-D data (the same budget)."""
    presets = toy_training.presets(overrides.get("dataset", "ring"))
    return SNGANConfig(**cfg.preset(profile, presets, **overrides))


def build(config: SNGANConfig) -> dict[str, nn.Module]:
    networks = gan.build(config)
    for layer in networks["D"].modules():
        if isinstance(layer, nn.Linear):
            spectral_norm(layer)  # W / sigma_max(W), in place
    return networks


def train(
    config: SNGANConfig, *, device: str = "auto", progress: bool = True
) -> Run:
    runtime.set_seed(config.seed)
    return adversarial_training.train_adversarial(
        config,
        build(config),
        device=device,
        progress=progress,
        label=f"sngan-{config.dataset}",
        **toy_training.extras(config),
    )


STACKS = False  # see train_many


def train_many(configs: list, **kwargs) -> list[Run]:
    """One at a time: spectral norm's power iteration keeps state that
    a stack does not carry (gen_src.stacking)."""
    return [train(c, **kwargs) for c in configs]


score = toy_training.score
