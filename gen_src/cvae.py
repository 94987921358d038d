"""Conditional VAE (Sohn, Lee & Yan 2015, "Learning Structured Output
Representation using Deep Conditional Generative Models", NeurIPS).

The class label y, one-hot, is fed to both networks: q(z|x, y) and
p(x|z, y). The label then carries *what* to draw (content) and z only
*how* (style: thickness, tilt, shading), so we can ask for a class and
decode one z under every label. The loss, KL and reparameterisation are
the VAE's own (gen_src.vae), reused, not copied. The KL weight beta is 5
by default: see CVAEConfig for why.
Taught on the page docs/cvae.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from . import classifier as judge
from . import config as cfg
from . import family, loop, vae
from .metrics import frechet

NUM_CLASSES = 10


@dataclass(frozen=True, kw_only=True)
class CVAEConfig(cfg.TrainingConfig):
    latent_dim: int = cfg.integer(20, 1)  # style only: the label has the class
    hidden_dim: int = cfg.integer(400, 1)  # the VAE's width
    # KL weight. With 1 (the true ELBO) the encoder also writes the class
    # into z and the decoder follows z, so fewer samples show the class
    # asked for; 5 squeezes the class out of z (a beta-VAE, Higgins et
    # al. 2017) and the label decides. The class accuracy of the site's
    # run is on the CVAE page.
    beta: float = cfg.real(5.0, 0)


PRESETS = {
    "smoke": cfg.SMOKE,
    "quick": dict(num_epochs=3),
    "full": dict(num_epochs=20),
}


def config_for(profile: str, **overrides) -> CVAEConfig:
    return CVAEConfig(**cfg.preset(profile, PRESETS, **overrides))


# --8<-- [start:model]
class CVAE(nn.Module):
    """q(z|x,y) and p(x|z,y): the one-hot label joins both inputs."""

    def __init__(self, config: CVAEConfig):
        super().__init__()
        self.latent_dim = config.latent_dim
        h, k = config.hidden_dim, config.latent_dim
        # (N, 784 + 10) -> (mu, logvar), each (N, k)
        self.encoder = vae.Encoder(vae.PIXELS + NUM_CLASSES, h, k)
        # (N, k + 10) -> (N, 784) logits
        self.decoder = vae.decoder(k + NUM_CLASSES, h)

    def forward(self, x: torch.Tensor, y: torch.Tensor, generator=None):
        onehot = F.one_hot(y, NUM_CLASSES).to(x)  # (N,) -> (N, 10)
        mu, logvar = self.encoder(torch.cat([x.flatten(1), onehot], 1))
        z = vae.reparameterize(mu, logvar, generator)
        logits = self.decoder(torch.cat([z, onehot], 1))
        return logits.view_as(x), mu, logvar

    def decode(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean images in [0, 1], (N, 1, 28, 28), for codes z and labels y."""
        onehot = F.one_hot(y, NUM_CLASSES).to(z)
        logits = self.decoder(torch.cat([z, onehot], 1))
        return torch.sigmoid(logits).view(-1, 1, 28, 28)


# --8<-- [end:model]


# --8<-- [start:sample]
def sample(
    model: CVAE, labels: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """One image per label: z ~ N(0, I) from the prior, then p(x|z, y)."""
    z = torch.randn(len(labels), model.latent_dim, generator=generator)
    with loop.evaluating(model):
        return model.decode(z, labels)


# --8<-- [end:sample]


def build(config: CVAEConfig) -> dict[str, nn.Module]:
    return {"cvae": CVAE(config)}


def evaluate(model: CVAE, images, labels, seed: int = 0) -> dict:
    """Test -ELBO (nats per image), reconstruction and KL."""
    gen = torch.Generator().manual_seed(seed + 1)
    recon = kl = 0.0
    with loop.evaluating(model):
        for x, y in zip(images.split(2000), labels.split(2000)):
            logits, mu, logvar = model(x, y, gen)
            recon += vae.reconstruction_nll(logits, x).sum().item()
            kl += vae.kl_divergence(mu, logvar).sum().item()
    n = len(images)
    return {"nelbo": (recon + kl) / n, "recon": recon / n, "kl": kl / n}


def make_step(model: CVAE, config: CVAEConfig):
    """One Adam update on the beta-weighted negative conditional ELBO."""
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)

    def step(x: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
        model.train()
        logits, mu, logvar = model(x, y)
        loss = vae.vae_loss(logits, x, mu, logvar, beta=config.beta)
        loop.update(opt, loss.total)
        return loss.floats()

    return step


def test_scores(model, test_set, config) -> dict[str, float]:
    return evaluate(model, test_set.images, test_set.labels, config.seed)


def train(
    config: CVAEConfig, *, device: str = "auto", progress: bool = True
) -> loop.Run:
    """Fit the CVAE on Fashion-MNIST images and their labels."""
    return loop.train_on_images(
        config,
        "cvae",
        build,
        make_step,
        test_scores,
        labels=True,
        device=device,
        progress=progress,
    )


def class_samples(model: CVAE, per_class: int, seed: int = 0):
    """per_class samples of every class: (images, the labels asked for)."""
    labels = torch.arange(NUM_CLASSES).repeat_interleave(per_class)
    return sample(model, labels, torch.Generator().manual_seed(seed)), labels


def class_accuracy(
    model: CVAE, classifier_model, per_class: int = 1000, seed: int = 0
) -> float:
    """Share of samples asked for class c that the judge calls c."""
    images, labels = class_samples(model, per_class, seed)
    return (
        (judge.predict(classifier_model, images) == labels)
        .float()
        .mean()
        .item()
    )


def score(run: loop.Run, classifier_run: loop.Run) -> dict[str, float]:
    """Class-conditional accuracy of the CVAE's samples, by the judge, and
    their Fréchet distance to the test set (diversity, which accuracy
    cannot see): as many samples as test images (10k unless test_size is
    set), the same number of each class."""
    n = run.config.test_size or frechet.NUM_IMAGES
    per_class = max(1, n // NUM_CLASSES)
    judge_model = classifier_run.models["classifier"]
    images, labels = class_samples(
        run.models["cvae"], per_class, run.config.seed
    )
    accuracy = (judge.predict(judge_model, images) == labels).float().mean()
    return {
        "class_accuracy": accuracy.item(),
        **frechet.frechet_to_test(judge_model, images, run.config.seed),
    }


def explorer(run: loop.Run) -> family.Explorer:
    """The live latent explorer: one z decoded under every label."""
    model = run.models["cvae"]

    def encode(x, y):
        onehot = F.one_hot(y, NUM_CLASSES).to(x)
        return model.encoder(torch.cat([x.flatten(1), onehot], 1))[0]

    return family.Explorer(
        encode=encode,
        decoder=model.decoder,
        decode=model.decode,
        sigmoid_after=True,
        prior=True,
        num_labels=NUM_CLASSES,
        codes=1000,  # its decoder is larger: its page stays within 700 kB
    )


# training time against a toy GAN's on the ring, as measured under each
# profile (full: two runs side by side on 2 cores, 2026-12-05)
COST = {"cvae2d": {"full": 1.9}}
RUNS = {
    "cvae": lambda profile: config_for(profile),
    # 2-D style: the latent explorer on the CVAE page moves z by hand
    "cvae2d": lambda profile: config_for(profile, latent_dim=2),
}
