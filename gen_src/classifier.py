"""A small, independent Fashion-MNIST classifier, used as a judge.

It is trained on the real training split only and never sees a generative
model. Two uses: it labels generated images (does a CVAE asked for
"Sneaker" draw a sneaker?), and its penultimate layer gives the features
of the Fréchet distance (gen_src.metrics.frechet). Taught on the page
docs/cvae.md, section "Measuring class accuracy".
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from . import config as cfg
from . import loop

NUM_CLASSES = 10


@dataclass(frozen=True, kw_only=True)
class ClassifierConfig(cfg.TrainingConfig):
    # 8 channels in the first conv layer (the second has twice as many)
    # already give ~88% test accuracy, at half the CPU time of 16
    channels: int = cfg.integer(8, 1)
    feature_dim: int = cfg.integer(128, 1)  # the penultimate layer
    num_epochs: int = cfg.integer(2, 1)  # ~88% test accuracy already


# One judge scores every profile's runs (gen_src.builder.pipeline.JUDGE):
# the quick classifier judges the full runs too, so that their distances
# compare; "full" is the same config.
PRESETS = {
    "smoke": cfg.SMOKE,
    "quick": dict(num_epochs=2),
    "full": dict(num_epochs=2),
}


def config_for(profile: str, **overrides) -> ClassifierConfig:
    return ClassifierConfig(**cfg.preset(profile, PRESETS, **overrides))


class Classifier(nn.Module):
    """Two conv blocks, then features, then class logits."""

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        c = config.channels
        self.body = nn.Sequential(
            nn.Conv2d(1, c, 3, padding=1),  # (N,1,28,28) -> (N,c,28,28)
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> (N,c,14,14)
            nn.Conv2d(c, 2 * c, 3, padding=1),  # -> (N,2c,14,14)
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> (N,2c,7,7)
            nn.Flatten(),  # -> (N,2c*49)
            nn.Linear(2 * c * 49, config.feature_dim),  # -> (N,F)
            nn.ReLU(),
        )
        self.head = nn.Linear(config.feature_dim, NUM_CLASSES)  # -> (N,10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def _batched(fn, images: torch.Tensor, chunk: int = 2000) -> torch.Tensor:
    return torch.cat([fn(x) for x in images.split(chunk)])


def features(model: Classifier, images01: torch.Tensor) -> torch.Tensor:
    """Penultimate-layer features (N, F) of images (N,1,28,28) in [0,1]."""
    with loop.evaluating(model):
        return _batched(model.body, images01.float())


def predict(model: Classifier, images01: torch.Tensor) -> torch.Tensor:
    """The predicted class index of each image (N,1,28,28) in [0,1]."""
    with loop.evaluating(model):
        return _batched(lambda x: model(x).argmax(1), images01.float())


def accuracy(model: Classifier, images01, labels) -> float:
    return (predict(model, images01) == labels).float().mean().item()


def build(config: ClassifierConfig) -> dict[str, nn.Module]:
    return {"classifier": Classifier(config)}


def make_step(model: Classifier, config: ClassifierConfig):
    """One Adam update on the cross-entropy of a labelled mini-batch."""
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)

    def step(x: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
        model.train()
        loss = F.cross_entropy(model(x), y)
        loop.update(opt, loss)
        return {"loss": loss.item()}

    return step


def test_scores(model, test_set, config) -> dict[str, float]:
    return {"accuracy": accuracy(model, test_set.images, test_set.labels)}


def train(
    config: ClassifierConfig, *, device: str = "auto", progress: bool = True
) -> loop.Run:
    """Fit the classifier on the training split; report test accuracy."""
    return loop.train_on_images(
        config,
        "classifier",
        build,
        make_step,
        test_scores,
        labels=True,
        device=device,
        progress=progress,
    )


COST = {"classifier": 3}  # training time against a toy GAN's
RUNS = {"classifier": lambda profile: config_for(profile)}
