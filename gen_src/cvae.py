"""Conditional VAE (Sohn, Lee & Yan 2015, "Learning Structured Output
Representation using Deep Conditional Generative Models", NeurIPS).

The class label y, one-hot, is fed to both networks: q(z|x, y) and
p(x|z, y). The label then carries *what* to draw (content) and z only
*how* (style: thickness, tilt, shading), so we can ask for a class and
decode one z under every label. The loss, KL and reparameterisation are
the VAE's own (gen_src.vae), reused, not copied. The KL weight beta is 5
by default: see CVAEConfig for why.
Taught on the page "Conditional VAE" (cvae.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from . import classifier as judge, data, runtime, train as loop, vae

NUM_CLASSES = 10


@dataclass(frozen=True, kw_only=True)
class CVAEConfig:
    latent_dim: int = 20  # style only: the label carries the class
    hidden_dim: int = 400  # the VAE's width
    # KL weight. With 1 (the true ELBO) the encoder also writes the class
    # into z, the decoder follows z, and after 3 epochs only ~40% of the
    # samples show the class asked for; 5 squeezes the class out of z
    # (a beta-VAE, Higgins et al. 2017), so the label decides: ~83%.
    beta: float = 5.0
    num_epochs: int = 3  # as for the VAE
    lr: float = 2e-3  # Adam, as for the VAE
    batch_size: int = 128  # many updates per epoch
    train_size: int | None = None  # None: all 60k training images
    test_size: int | None = None  # None: all 10k test images
    seed: int = 0  # weights, batches and noise

    def __post_init__(self):
        runtime.check_int("latent_dim", self.latent_dim, 1)
        runtime.check_int("hidden_dim", self.hidden_dim, 1)
        runtime.check_float("beta", self.beta, 0.0)
        runtime.check_int("num_epochs", self.num_epochs, 1)
        runtime.check_float("lr", self.lr, 0.0, low_open=True)
        runtime.check_int("batch_size", self.batch_size, 1)
        if self.train_size is not None:
            runtime.check_int("train_size", self.train_size, 1)
        if self.test_size is not None:
            runtime.check_int("test_size", self.test_size, 1)
        runtime.check_int("seed", self.seed, 0)


def config_for(profile: str, **overrides) -> CVAEConfig:
    """smoke: seconds for tests; quick: the CPU budget; full: a GPU."""
    runtime.check_profile(profile)
    preset = {
        "smoke": dict(num_epochs=1, train_size=1024, test_size=512),
        "quick": dict(num_epochs=3),
        "full": dict(num_epochs=30),
    }[profile]
    return CVAEConfig(**{**preset, **overrides})


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
@torch.no_grad()
def sample(model: CVAE, labels: torch.Tensor,
           generator: torch.Generator | None = None) -> torch.Tensor:
    """One image per label: z ~ N(0, I) from the prior, then p(x|z, y)."""
    z = torch.randn(len(labels), model.latent_dim, generator=generator)
    return model.decode(z, labels)
# --8<-- [end:sample]


def build(config: CVAEConfig) -> dict[str, nn.Module]:
    return {"cvae": CVAE(config)}


@torch.no_grad()
def evaluate(model: CVAE, images, labels, seed: int = 0) -> dict:
    """Test -ELBO (nats per image), reconstruction and KL."""
    model.eval()
    gen = torch.Generator().manual_seed(seed + 1)
    recon = kl = 0.0
    for x, y in zip(images.split(2000), labels.split(2000)):
        logits, mu, logvar = model(x, y, gen)
        recon += vae.reconstruction_nll(logits, x).sum().item()
        kl += vae.kl_divergence(mu, logvar).sum().item()
    n = len(images)
    return {"nelbo": (recon + kl) / n, "recon": recon / n, "kl": kl / n}


def train(config: CVAEConfig, *, device: str = "auto",
          progress: bool = True) -> loop.Run:
    """Fit the CVAE on Fashion-MNIST images and their labels."""
    runtime.set_seed(config.seed)
    dev = runtime.resolve_device(device)
    tr = data.subset(data.load("fashion-mnist", "train"),
                     config.train_size, config.seed)
    te = data.subset(data.load("fashion-mnist", "test"),
                     config.test_size, config.seed)
    model = build(config)["cvae"].to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    batches = data.Batches(tr.images.to(dev), tr.labels.to(dev),
                           batch_size=config.batch_size,
                           generator=torch.Generator().manual_seed(
                               config.seed))

    def step(x, y):
        logits, mu, logvar = model(x, y)
        loss = vae.vae_loss(logits, x, mu, logvar, beta=config.beta)
        opt.zero_grad(set_to_none=True)
        loss.total.backward()
        opt.step()
        return {"loss": loss.total.item(), "recon": loss.recon.item(),
                "kl": loss.kl.item()}

    per_epoch: dict[str, list[float]] = {}

    def test_epoch(state: loop.State) -> None:
        scores = evaluate(model, te.images.to(dev), te.labels.to(dev),
                          config.seed)
        for name, value in scores.items():
            per_epoch.setdefault(f"test_{name}", []).append(value)
        model.train()

    state = loop.fit(
        step, batches, num_epochs=config.num_epochs, on_epoch=[test_epoch],
        progress=loop.Progress(every=100, label="cvae") if progress else None,
    )
    metrics = {name: values[-1] for name, values in per_epoch.items()}
    return loop.Run(config=config, models={"cvae": model.cpu().eval()},
                    history={**state.history, **per_epoch}, metrics=metrics,
                    seconds=state.seconds, device=runtime.device_name(dev))


def class_samples(model: CVAE, per_class: int, seed: int = 0):
    """per_class samples of every class: (images, the labels asked for)."""
    labels = torch.arange(NUM_CLASSES).repeat_interleave(per_class)
    return sample(model, labels, torch.Generator().manual_seed(seed)), labels


def class_accuracy(model: CVAE, classifier_model, per_class: int = 1000,
                   seed: int = 0) -> float:
    """Share of samples asked for class c that the judge calls c."""
    images, labels = class_samples(model, per_class, seed)
    return (judge.predict(classifier_model, images) == labels) \
        .float().mean().item()


def score(run: loop.Run, classifier_run: loop.Run) -> dict[str, float]:
    """Class-conditional accuracy of the CVAE's samples, by the judge, and
    their Fréchet distance to the test set (diversity, which accuracy
    cannot see): as many samples as test images (10k unless test_size is
    set), the same number of each class."""
    per_class = max(1, (run.config.test_size or 10_000) // NUM_CLASSES)
    judge_model = classifier_run.models["classifier"]
    images, labels = class_samples(run.models["cvae"], per_class,
                                   run.config.seed)
    accuracy = (judge.predict(judge_model, images) == labels).float().mean()
    return {"class_accuracy": accuracy.item(),
            **judge.frechet_to_test(judge_model, images, run.config.seed)}


RUNS = {"cvae": lambda profile: config_for(profile)}
