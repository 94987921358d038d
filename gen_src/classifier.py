"""A small, independent Fashion-MNIST classifier, used as a judge.

It is trained on the real training split only and never sees a generative
model. Two uses: it labels generated images (does a CVAE asked for
"Sneaker" draw a sneaker?), and its penultimate layer gives features for a
Fréchet distance between generated and real images (the idea of FID,
Heusel et al. 2017, with a Fashion-MNIST network instead of Inception).
Taught on the page "Measuring generative models" (metrics.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from . import data, runtime, train as loop

NUM_CLASSES = 10


@dataclass(frozen=True, kw_only=True)
class ClassifierConfig:
    channels: int = 8  # first conv layer, the second has twice as many:
    # 8 already gives ~88% test accuracy at half the CPU time of 16
    feature_dim: int = 128  # width of the penultimate layer (features)
    num_epochs: int = 2  # ~90% test accuracy already
    lr: float = 2e-3  # Adam
    batch_size: int = 128  # many updates per epoch
    train_size: int | None = None  # None: all 60k training images
    test_size: int | None = None  # None: all 10k test images
    seed: int = 0  # weights and batch order

    def __post_init__(self):
        runtime.check_int("channels", self.channels, 1)
        runtime.check_int("feature_dim", self.feature_dim, 1)
        runtime.check_int("num_epochs", self.num_epochs, 1)
        runtime.check_float("lr", self.lr, 0.0, low_open=True)
        runtime.check_int("batch_size", self.batch_size, 1)
        if self.train_size is not None:
            runtime.check_int("train_size", self.train_size, 1)
        if self.test_size is not None:
            runtime.check_int("test_size", self.test_size, 1)
        runtime.check_int("seed", self.seed, 0)


def config_for(profile: str, **overrides) -> ClassifierConfig:
    """smoke: seconds for tests; quick: the CPU budget; full: a GPU."""
    runtime.check_profile(profile)
    preset = {
        "smoke": dict(num_epochs=1, train_size=1024, test_size=512),
        "quick": dict(num_epochs=2),
        "full": dict(num_epochs=15, channels=32),
    }[profile]
    return ClassifierConfig(**{**preset, **overrides})


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


@torch.no_grad()
def features(model: Classifier, images01: torch.Tensor) -> torch.Tensor:
    """Penultimate-layer features (N, F) of images (N,1,28,28) in [0,1]."""
    model.eval()
    return _batched(model.body, images01.float())


@torch.no_grad()
def predict(model: Classifier, images01: torch.Tensor) -> torch.Tensor:
    """The predicted class index of each image (N,1,28,28) in [0,1]."""
    model.eval()
    return _batched(lambda x: model(x).argmax(1), images01.float())


def _sqrtm_psd(m: torch.Tensor) -> torch.Tensor:
    """Square root of a symmetric positive semi-definite matrix (eigh)."""
    vals, vecs = torch.linalg.eigh(m)
    return vecs @ torch.diag(vals.clamp(min=0).sqrt()) @ vecs.T


# --8<-- [start:frechet]
def frechet_distance(feats_a: torch.Tensor, feats_b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets.

    d^2 = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))
    (Fréchet 1957; Dowson & Landau 1982; used as FID by Heusel et al.
    2017). Tr (S_a S_b)^(1/2) = Tr (A S_b A)^(1/2) with A = S_a^(1/2),
    which is symmetric, so an eigendecomposition is enough.
    """
    a, b = feats_a.double(), feats_b.double()
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)
    root_a = _sqrtm_psd(cov_a)
    cross = torch.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_sqrt = cross.clamp(min=0).sqrt().sum()
    d2 = (mu_a - mu_b).pow(2).sum() + cov_a.trace() + cov_b.trace() \
        - 2 * trace_sqrt
    return float(d2.clamp(min=0))
# --8<-- [end:frechet]


def build(config: ClassifierConfig) -> dict[str, nn.Module]:
    return {"classifier": Classifier(config)}


def accuracy(model: Classifier, images01, labels) -> float:
    return (predict(model, images01) == labels).float().mean().item()


def train(config: ClassifierConfig, *, device: str = "auto",
          progress: bool = True) -> loop.Run:
    """Fit the classifier on the training split; report test accuracy."""
    runtime.set_seed(config.seed)
    dev = runtime.resolve_device(device)
    train_set = data.subset(data.load("fashion-mnist", "train"),
                            config.train_size, config.seed)
    test_set = data.subset(data.load("fashion-mnist", "test"),
                           config.test_size, config.seed)
    model = build(config)["classifier"].to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    batches = data.Batches(
        train_set.images.to(dev), train_set.labels.to(dev),
        batch_size=config.batch_size,
        generator=torch.Generator().manual_seed(config.seed))

    def step(x, y):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"loss": loss.item()}

    state = loop.fit(
        step, batches, num_epochs=config.num_epochs,
        progress=loop.Progress(every=100, label="classifier")
        if progress else None,
    )
    model = model.cpu().eval()
    metrics = {"test_accuracy": accuracy(model, test_set.images,
                                         test_set.labels)}
    return loop.Run(config=config, models={"classifier": model},
                    history=state.history, metrics=metrics,
                    seconds=state.seconds, device=runtime.device_name(dev))


def test_features(model: Classifier, n: int | None = None,
                  seed: int = 0) -> torch.Tensor:
    """Features of n test images (all 10k if None): the real reference."""
    test = data.subset(data.load("fashion-mnist", "test"), n, seed)
    return features(model, test.images)


def real_floor(model: Classifier, n: int = 10_000, seed: int = 0) -> float:
    """Fréchet distance of n real training images to n test images: what
    a perfect generator would get with this many samples."""
    real = data.subset(data.load("fashion-mnist", "train"), n, seed).images
    return frechet_distance(features(model, real),
                            test_features(model, n, seed))


@functools.lru_cache(maxsize=4)
def _reference(model: Classifier, n: int, seed: int):
    # once per judge (a finished, frozen model) and sample size
    return test_features(model, n, seed), real_floor(model, n, seed)


def frechet_to_test(model: Classifier, images01: torch.Tensor,
                    seed: int = 0) -> dict[str, float]:
    """Fréchet distance of images to as many test images, and the floor
    (as many real training images) beside it, in this judge's features.
    The reference side is computed once per judge and size."""
    reference, floor = _reference(model, len(images01), seed)
    return {"frechet": frechet_distance(features(model, images01),
                                        reference),
            "frechet_floor": floor, "frechet_samples": len(images01)}


RUNS = {"classifier": lambda profile: config_for(profile)}
