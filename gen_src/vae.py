"""Variational autoencoder (Kingma & Welling 2013, arXiv:1312.6114).

The encoder returns a distribution q(z|x) = N(mu, diag(sigma^2)) instead of
a point; a sample z is drawn with the reparameterisation trick; the loss
is the negative ELBO: reconstruction plus the KL divergence from the prior
N(0, I), which keeps the latent space regular enough to sample from.
Taught on the page docs/vae.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

from . import config as cfg
from . import data, family, loop
from .metrics import frechet, likelihood

PIXELS = 28 * 28
IWAE_IMAGES = 100  # test images for the importance-weighted bound
LIKELIHOODS = ("bernoulli", "gaussian")


@dataclass(frozen=True, kw_only=True)
class VAEConfig(cfg.TrainingConfig):
    latent_dim: int = cfg.integer(20, 1)  # the paper's MNIST runs; 2: plots
    hidden_dim: int = cfg.integer(400, 1)  # one layer, as pytorch/examples
    likelihood: str = cfg.choice("bernoulli", LIKELIHOODS)  # p(x|z): BCE
    decoder_std: float = cfg.real(0.1, above=0)  # of the "gaussian" only
    beta: float = cfg.real(1.0, 0)  # KL weight; 1 gives the true ELBO
    num_epochs: int = cfg.integer(3, 1)  # 3 full passes reach ~250 nats
    lr: float = cfg.real(2e-3, above=0)  # 1e-3 needs ~1 more epoch
    # the largest k of the importance-weighted bound of log p(x) (score);
    # 0: none (the evaluation page shows the bound of the run "vae" only)
    iwae_samples: int = cfg.integer(5000, 0)


PRESETS = {
    "smoke": {**cfg.SMOKE, "iwae_samples": 100},
    "quick": dict(num_epochs=3),
    "full": dict(num_epochs=20),
}


def config_for(profile: str, **overrides) -> VAEConfig:
    return VAEConfig(**cfg.preset(profile, PRESETS, **overrides))


# --8<-- [start:encoder]
class Encoder(nn.Module):
    """x -> (mu, log sigma^2) of q(z|x); the CVAE reuses it."""

    def __init__(self, in_dim: int, hidden_dim: int, latent_dim: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(in_dim, hidden_dim),  # (N, in_dim) -> (N, hidden)
            nn.ReLU(),
        )
        self.mu = nn.Linear(hidden_dim, latent_dim)  # -> (N, latent)
        # log sigma^2 rather than sigma: any real number is valid.
        self.logvar = nn.Linear(hidden_dim, latent_dim)  # -> (N, latent)

    def forward(self, x: torch.Tensor):
        h = self.body(x)
        return self.mu(h), self.logvar(h)


# --8<-- [end:encoder]


def decoder(in_dim: int, hidden_dim: int, out_dim: int = PIXELS):
    """z -> logits of p(x|z), one per pixel; the CVAE reuses it."""
    return nn.Sequential(
        nn.Linear(in_dim, hidden_dim),  # (N, latent) -> (N, hidden)
        nn.ReLU(),
        nn.Linear(hidden_dim, out_dim),  # -> (N, 784) logits
    )


# --8<-- [start:reparameterize]
def reparameterize(mu, logvar, generator=None):
    """z = mu + sigma * eps, eps ~ N(0, I) (Kingma & Welling 2013, 2.4;
    Rezende et al. 2014, "stochastic backpropagation").

    The randomness sits in eps, an input, so z is a differentiable
    function of mu and sigma and backpropagation reaches the encoder.
    """
    std = torch.exp(0.5 * logvar)
    eps = torch.randn(mu.shape, generator=generator).to(mu)
    return mu + std * eps


# --8<-- [end:reparameterize]


class VAE(nn.Module):
    """784 -> 400 -> (mu, logvar) in R^latent -> 400 -> 784."""

    def __init__(self, config: VAEConfig):
        super().__init__()
        self.latent_dim = config.latent_dim
        self.encoder = Encoder(PIXELS, config.hidden_dim, config.latent_dim)
        self.decoder = decoder(config.latent_dim, config.hidden_dim)

    def forward(self, x: torch.Tensor, generator=None):
        mu, logvar = self.encoder(x.flatten(1))  # (N,1,28,28) -> (N,784)
        z = reparameterize(mu, logvar, generator)
        return self.decoder(z).view_as(x), mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Mean images in [0, 1], shape (N, 1, 28, 28)."""
        return torch.sigmoid(self.decoder(z)).view(-1, 1, 28, 28)


# --8<-- [start:kl]
def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) per example, in closed form.

    KL = -1/2 * sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2)
    (Kingma & Welling 2013, Appendix B).
    """
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)


# --8<-- [end:kl]


def reconstruction_nll(
    logits: torch.Tensor,
    x: torch.Tensor,
    likelihood: str = "bernoulli",
    decoder_std: float = 0.1,
) -> torch.Tensor:
    """-log p(x|z) per example, summed over the 784 pixels, in nats.

    bernoulli: -sum_i [x_i log p_i + (1 - x_i) log(1 - p_i)], p = sigmoid
    gaussian:  sum_i (x_i - p_i)^2 / (2 s^2) + 784/2 * log(2 pi s^2):
               the autoencoder's squared error, rescaled, plus a constant.
    """
    cfg.check_choice("likelihood", likelihood, LIKELIHOODS)
    if likelihood == "bernoulli":
        nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
        return nll.flatten(1).sum(1)
    sq = (x - torch.sigmoid(logits)).pow(2).flatten(1).sum(1)
    const = 0.5 * x[0].numel() * math.log(2 * math.pi * decoder_std**2)
    return sq / (2 * decoder_std**2) + const


class Loss(NamedTuple):
    total: torch.Tensor  # recon + beta * kl, to minimise
    recon: torch.Tensor  # E_q[-log p(x|z)], nats per image
    kl: torch.Tensor  # KL(q(z|x) || p(z)), nats per image

    def floats(self) -> dict[str, float]:
        """The three numbers the loop records (total as "loss")."""
        return dict(zip(("loss", "recon", "kl"), (v.item() for v in self)))


# --8<-- [start:loss]
def vae_loss(
    logits,
    x,
    mu,
    logvar,
    *,
    beta: float = 1.0,
    likelihood: str = "bernoulli",
    decoder_std: float = 0.1,
):
    """Negative ELBO (beta = 1), averaged over the batch.

    -ELBO(x) = E_q(z|x)[-log p(x|z)] + beta * KL(q(z|x) || p(z))
    (Kingma & Welling 2013, eq. 10; beta as in Higgins et al. 2017).
    The expectation is estimated with the one z drawn in forward().
    """
    recon = reconstruction_nll(logits, x, likelihood, decoder_std).mean()
    kl = kl_divergence(mu, logvar).mean()
    return Loss(recon + beta * kl, recon, kl)


# --8<-- [end:loss]


def build(config: VAEConfig) -> dict[str, nn.Module]:
    return {"vae": VAE(config)}


def evaluate(model: VAE, images, config: VAEConfig) -> dict[str, float]:
    """Test -ELBO, reconstruction and KL in nats per image (beta = 1).

    A fixed generator draws the noise, so the number does not depend on
    how much randomness training used before.
    """
    gen = torch.Generator().manual_seed(config.seed + 1)
    recon = kl = 0.0
    with loop.evaluating(model):
        for x in images.split(2000):
            logits, mu, logvar = model(x, gen)
            nll = reconstruction_nll(
                logits, x, config.likelihood, config.decoder_std
            )
            recon += nll.sum().item()
            kl += kl_divergence(mu, logvar).sum().item()
    n = len(images)
    return {"nelbo": (recon + kl) / n, "recon": recon / n, "kl": kl / n}


# --8<-- [start:step]
def make_step(model: VAE, config: VAEConfig):
    """One Adam update on a mini-batch's negative ELBO (beta-weighted)."""
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)

    def step(x: torch.Tensor) -> dict[str, float]:
        model.train()
        logits, mu, logvar = model(x)  # one z per image, reparameterised
        loss = vae_loss(
            logits,
            x,
            mu,
            logvar,
            beta=config.beta,
            likelihood=config.likelihood,
            decoder_std=config.decoder_std,
        )
        loop.update(opt, loss.total)
        return loss.floats()

    return step


# --8<-- [end:step]


def test_scores(model, test_set, config) -> dict[str, float]:
    return evaluate(model, test_set.images, config)


def train(
    config: VAEConfig, *, device: str = "auto", progress: bool = True
) -> loop.Run:
    """Fit the VAE on Fashion-MNIST; test -ELBO after every epoch."""
    return loop.train_on_images(
        config,
        "vae",
        build,
        make_step,
        test_scores,
        device=device,
        progress=progress,
    )


def sample(model: VAE, n: int, generator: torch.Generator | None = None):
    """n new images: z ~ N(0, I), the prior, decoded to mean images."""
    z = torch.randn(n, model.latent_dim, generator=generator)
    with loop.evaluating(model):
        return model.decode(z.to(next(model.parameters()).device)).cpu()


def score(run: loop.Run, classifier_run: loop.Run) -> dict[str, float]:
    """Fréchet distance of as many samples as test images to the test set
    in the judge's features, beside the floor (real training images)."""
    n, seed = run.config.test_size or frechet.NUM_IMAGES, run.config.seed
    fake = sample(run.models["vae"], n, torch.Generator().manual_seed(seed))
    scores = frechet.frechet_to_test(
        classifier_run.models["classifier"], fake, seed
    )
    if run.config.likelihood == "bernoulli" and run.config.iwae_samples:
        images = data.load(run.config.dataset, "test").images[:IWAE_IMAGES]
        scores |= likelihood.bound_scores(
            run.models["vae"], images, run.config.iwae_samples, seed
        )
    return scores


def explorer(run: loop.Run) -> family.Explorer:
    """The live latent explorer: mean codes, decoder logits."""
    model = run.models["vae"]
    return family.Explorer(
        encode=lambda x, y: model.encoder(x.flatten(1))[0],
        decoder=model.decoder,
        decode=lambda z, y: model.decode(z),
        sigmoid_after=True,
        prior=True,
    )


# training time against a toy GAN's on the ring, as measured under each
# profile (full: two runs side by side on 2 cores, 2026-12-05)
COST = {"vae": {"quick": 3, "full": 1.2}, "vae2d": {"full": 1.3}}
RUNS = {
    "vae": lambda profile: config_for(profile),
    "vae2d": lambda profile: config_for(profile, latent_dim=2, iwae_samples=0),
}
