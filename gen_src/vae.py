"""Variational autoencoder (Kingma & Welling 2013, arXiv:1312.6114).

The encoder returns a distribution q(z|x) = N(mu, diag(sigma^2)) instead of
a point; a sample z is drawn with the reparameterisation trick; the loss
is the negative ELBO: reconstruction plus the KL divergence from the prior
N(0, I), which keeps the latent space regular enough to sample from.
Taught on the page "Variational autoencoder" (vae.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

from . import classifier as judge, data, runtime, train as loop

PIXELS = 28 * 28
LIKELIHOODS = ("bernoulli", "gaussian")


@dataclass(frozen=True, kw_only=True)
class VAEConfig:
    latent_dim: int = 20  # as in the paper's MNIST runs; 2 for plots
    hidden_dim: int = 400  # one hidden layer of 400, as in pytorch/examples
    likelihood: str = "bernoulli"  # p(x|z): pixels as coins (BCE)
    decoder_std: float = 0.1  # sigma of the "gaussian" p(x|z) only
    beta: float = 1.0  # weight of the KL term; 1 gives the true ELBO
    num_epochs: int = 3  # 3 full passes reach ~250 nats on the CPU
    lr: float = 2e-3  # Adam; 1e-3 needs ~1 more epoch for 250 nats
    batch_size: int = 128  # small enough for many updates per epoch
    train_size: int | None = None  # None: all 60k training images
    test_size: int | None = None  # None: all 10k test images
    seed: int = 0  # one seed for weights, batches and noise

    def __post_init__(self):
        runtime.check_int("latent_dim", self.latent_dim, 1)
        runtime.check_int("hidden_dim", self.hidden_dim, 1)
        runtime.check_choice("likelihood", self.likelihood, LIKELIHOODS)
        runtime.check_float("decoder_std", self.decoder_std, 0.0,
                            low_open=True)
        runtime.check_float("beta", self.beta, 0.0)
        runtime.check_int("num_epochs", self.num_epochs, 1)
        runtime.check_float("lr", self.lr, 0.0, low_open=True)
        runtime.check_int("batch_size", self.batch_size, 1)
        if self.train_size is not None:
            runtime.check_int("train_size", self.train_size, 1)
        if self.test_size is not None:
            runtime.check_int("test_size", self.test_size, 1)
        runtime.check_int("seed", self.seed, 0)


def config_for(profile: str, **overrides) -> VAEConfig:
    """smoke: seconds for tests; quick: the CPU budget; full: a GPU."""
    runtime.check_profile(profile)
    preset = {
        "smoke": dict(num_epochs=1, train_size=1024, test_size=512),
        "quick": dict(num_epochs=3),
        "full": dict(num_epochs=30),
    }[profile]
    return VAEConfig(**{**preset, **overrides})


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
def reparameterize(mu: torch.Tensor, logvar: torch.Tensor,
                   generator: torch.Generator | None = None):
    """z = mu + sigma * eps with eps ~ N(0, I) (Kingma & Welling, 2.4).

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


def reconstruction_nll(logits: torch.Tensor, x: torch.Tensor,
                       likelihood: str = "bernoulli",
                       decoder_std: float = 0.1) -> torch.Tensor:
    """-log p(x|z) per example, summed over the 784 pixels, in nats.

    bernoulli: -sum_i [x_i log p_i + (1 - x_i) log(1 - p_i)], p = sigmoid
    gaussian:  sum_i (x_i - p_i)^2 / (2 s^2) + 784/2 * log(2 pi s^2):
               the autoencoder's squared error, rescaled, plus a constant.
    """
    runtime.check_choice("likelihood", likelihood, LIKELIHOODS)
    if likelihood == "bernoulli":
        nll = F.binary_cross_entropy_with_logits(logits, x,
                                                 reduction="none")
        return nll.flatten(1).sum(1)
    sq = (x - torch.sigmoid(logits)).pow(2).flatten(1).sum(1)
    const = 0.5 * x[0].numel() * math.log(2 * math.pi * decoder_std ** 2)
    return sq / (2 * decoder_std ** 2) + const


class Loss(NamedTuple):
    total: torch.Tensor  # recon + beta * kl, to minimise
    recon: torch.Tensor  # E_q[-log p(x|z)], nats per image
    kl: torch.Tensor  # KL(q(z|x) || p(z)), nats per image


# --8<-- [start:loss]
def vae_loss(logits, x, mu, logvar, *, beta: float = 1.0,
             likelihood: str = "bernoulli", decoder_std: float = 0.1):
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


@torch.no_grad()
def evaluate(model: VAE, images: torch.Tensor, config: VAEConfig,
             chunk: int = 2000) -> dict[str, float]:
    """Test -ELBO, reconstruction and KL in nats per image (beta = 1).

    A fixed generator draws the noise, so the number does not depend on
    how much randomness training used before.
    """
    was_training = model.training
    model.eval()
    gen = torch.Generator().manual_seed(config.seed + 1)
    recon = kl = 0.0
    for x in images.split(chunk):
        logits, mu, logvar = model(x, gen)
        nll = reconstruction_nll(logits, x, config.likelihood,
                                 config.decoder_std)
        recon += nll.sum().item()
        kl += kl_divergence(mu, logvar).sum().item()
    model.train(was_training)
    n = len(images)
    return {"nelbo": (recon + kl) / n, "recon": recon / n, "kl": kl / n}


def train(config: VAEConfig, *, device: str = "auto",
          progress: bool = True) -> loop.Run:
    """Fit the VAE on Fashion-MNIST; test -ELBO after every epoch."""
    runtime.set_seed(config.seed)
    dev = runtime.resolve_device(device)
    fashion = data.load("fashion-mnist", "train")
    x_train = data.subset(fashion, config.train_size, config.seed).images
    x_test = data.subset(data.load("fashion-mnist", "test"),
                         config.test_size, config.seed).images.to(dev)
    model = build(config)["vae"].to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    batches = data.Batches(x_train.to(dev), batch_size=config.batch_size,
                           generator=torch.Generator().manual_seed(
                               config.seed))

    def step(x):
        logits, mu, logvar = model(x)
        loss = vae_loss(logits, x, mu, logvar, beta=config.beta,
                        likelihood=config.likelihood,
                        decoder_std=config.decoder_std)
        opt.zero_grad(set_to_none=True)
        loss.total.backward()
        opt.step()
        return {"loss": loss.total.item(), "recon": loss.recon.item(),
                "kl": loss.kl.item()}

    per_epoch: dict[str, list[float]] = {}

    def test_epoch(state: loop.State) -> None:
        for name, value in evaluate(model, x_test, config).items():
            per_epoch.setdefault(f"test_{name}", []).append(value)

    state = loop.fit(
        step, batches, num_epochs=config.num_epochs,
        on_epoch=[test_epoch],
        progress=loop.Progress(every=100, label="vae") if progress else None,
    )
    metrics = {name: values[-1] for name, values in per_epoch.items()}
    return loop.Run(
        config=config, models={"vae": model.cpu().eval()},
        history={**state.history, **per_epoch}, metrics=metrics,
        seconds=state.seconds, device=runtime.device_name(dev),
    )


@torch.no_grad()
def sample(model: VAE, n: int, generator: torch.Generator | None = None):
    """n new images: z ~ N(0, I), the prior, decoded to mean images."""
    return model.decode(torch.randn(n, model.latent_dim, generator=generator))


def score(run: loop.Run, classifier_run: loop.Run) -> dict[str, float]:
    """Fréchet distance of samples to the test set in the judge's
    features, beside the floor: as many real training images instead.
    As many samples as test images (10k unless test_size is set)."""
    n, seed = run.config.test_size or 10_000, run.config.seed
    fake = sample(run.models["vae"], n, torch.Generator().manual_seed(seed))
    return judge.frechet_to_test(classifier_run.models["classifier"], fake,
                                 seed)


RUNS = {
    "vae": lambda profile: config_for(profile),
    "vae2d": lambda profile: config_for(profile, latent_dim=2),
}
