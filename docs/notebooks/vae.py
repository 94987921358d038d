# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Hands-on: the variational autoencoder
#
# This notebook goes with the page [Variational autoencoders](../../vae/).
# You will look inside the VAE's loss, train a small VAE yourself, then
# study the run that draws the site's figures: its loss curves, its samples
# and its two-dimensional latent space.
#
# Run the cells from top to bottom. The first one installs the course's
# package `gen_src` where it is missing (on Colab, for example). Training
# follows the profile of the machine: `quick` on a CPU (under a minute per
# model), `full` on a GPU.

# %%
from gen_src import data, runtime, vae
from gen_src.builder import pipeline

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## The reparameterisation trick
#
# The encoder gives a mean $\mu$ and a log-variance $\log\sigma^2$ for each
# image, and the code is a sample $z \sim \mathcal{N}(\mu, \sigma^2)$. To let
# gradients reach $\mu$ and $\sigma$, the sample is written as
# $z = \mu + \sigma \odot \varepsilon$ with $\varepsilon \sim \mathcal{N}(0, I)$.
# The cell below checks the trick on $\mathbb{E}[z^2] = \mu^2 + \sigma^2$,
# whose gradients we know exactly.

# %%
import math

import torch

mu, sigma, samples = 1.0, 0.5, 100_000

# %%
# --8<-- "snippets/reparameterization.py:trick"

# %% [markdown]
# ## The loss, on one batch
#
# The VAE minimises the negative evidence lower bound (ELBO), per image:
#
# $$
# -\mathrm{ELBO}(x) = \underbrace{-\mathbb{E}_{q_\phi(z \mid x)}
# \big[\log p_\theta(x \mid z)\big]}_{\text{reconstruction}}
# + \underbrace{D_{\mathrm{KL}}\big(q_\phi(z \mid x) \,\|\, p(z)\big)}_{\text{KL}} .
# $$
#
# With a Gaussian $q_\phi$ and the prior $\mathcal{N}(0, I)$, the KL term has
# a closed form. The cell compares it with a Monte-Carlo estimate from many
# samples of $z$, using the VAE that the site trained.

# %%
from torch.distributions import Normal

run, record = pipeline.trained("vae")
model = run.models["vae"]
batch = 8
x = data.load("fashion-mnist", "test").images[:batch]
gen = torch.Generator().manual_seed(0)
draws = 2000

# %%
# --8<-- "snippets/vae_loss.py:loss"

# %% [markdown]
# ## Train a VAE yourself
#
# The training loop is short: encode, sample, decode, take the loss,
# step. Here it runs on a small slice of Fashion-MNIST for one epoch, so it
# takes seconds; the test negative ELBO it prints is therefore much higher
# than the site's run. The exercises at the end train a few more.

# %%
config = vae.config_for("smoke", num_epochs=1)
dev = torch.device("cpu")
runtime.set_seed(config.seed)  # the same initial weights every time
train_set, test_set = data.splits(config)  # config.train_size, test_size
train_images, test_images = train_set.images, test_set.images
print(config)

# %%
# --8<-- "snippets/vae_train.py:train"

# %% [markdown]
# ## The site's run
#
# `pipeline.trained("vae")` returned the run behind the figures on the VAE
# page: the same code, trained with the profile above. Its record says how
# it was made and how well it did, in nats per image on the test set.

# %%
epochs = record["config"]["num_epochs"]
print(
    f"trained for {epochs} epoch{'s' if epochs > 1 else ''} in "
    f"{record['seconds']:.0f} s on {record['device']}"
)
for name, value in record["metrics"].items():
    print(f"{name:>20}: {value:.2f}")

# %% [markdown]
# Reconstruction and KL on the training batches, as training went on. The
# KL term rises in the first steps, as the encoder starts to use its latent
# code, and then changes only slowly.

# %%
pipeline.draw("vae_losses")

# %% [markdown]
# Test images (top) and their reconstructions (bottom), then new images
# decoded from codes drawn from the prior $\mathcal{N}(0, I)$.

# %%
pipeline.draw("vae_reconstructions")

# %%
pipeline.draw("vae_samples")

# %% [markdown]
# ## A latent space you can sample from
#
# With a two-dimensional code, the latent space can be drawn. On the left, a
# plain autoencoder: clusters with gaps and no known extent. On the right, the
# VAE: the codes fill the region where the prior puts its mass.

# %%
pipeline.draw("latent_ae_vs_vae")

# %% [markdown]
# Decoding a grid of codes through the quantiles of $\mathcal{N}(0, 1)$ shows
# how smoothly one kind of garment turns into another.

# %%
pipeline.draw("vae_manifold")

# %% [markdown]
# ## Walking between two images
#
# Encode the first two test images, walk along the straight line between
# their mean codes, and decode each point. Neighbouring steps decode to
# similar images, with no jump between them: this is the continuity that
# the noise and the KL term buy.

# %%
import matplotlib.pyplot as plt

model = run.models["vae"]  # the site's VAE again, not the small one above
x = data.load("fashion-mnist", "test").images[:batch]  # test images again
with torch.no_grad():
    means, _ = model.encoder(x[[0, 1]].flatten(1))
    steps = torch.linspace(0, 1, 9).unsqueeze(1)
    path = means[0] * (1 - steps) + means[1] * steps
    images = model.decode(path)

fig, axes = plt.subplots(1, 9, figsize=(9, 1.3))
for ax, image, t in zip(axes, images, steps):
    ax.imshow(image.squeeze(), cmap="gray_r")
    ax.set_title(f"{t.item():.2f}", fontsize=8)
    ax.axis("off")

# %% [markdown]
# ## Try it yourself
#
# Each exercise comes with a starter cell that runs it at a small scale
# (6,000 training images, two epochs: seconds on a CPU, so the numbers are
# far from the site's run). Run it as it is, answer the question, then
# change the numbers and run it again.
#
# ### The weight of the KL term
#
# Train three small VAEs that differ only in $\beta$, the weight of the KL
# term: $0.1$, $1$ (the ELBO) and $4$. The cell prints the test negative
# ELBO of each, always measured with $\beta = 1$, split into its two
# terms, and shows reconstructions of the same test images and samples
# from the prior. Which $\beta$ gives the sharpest reconstructions, and
# which the most convincing samples? Why is the $\beta = 1$ model the one
# with the best bound?

# %% tags=["exercise"]
from gen_src.plots import common

small = dict(train_size=6_000, num_epochs=2)
prior_z = torch.randn(batch, 20, generator=torch.Generator().manual_seed(0))
rows = {"test images": x}  # the same 8 test images, the same 8 codes
for beta in (0.1, 1.0, 4.0):
    small_run = vae.train(
        vae.config_for("smoke", beta=beta, **small),
        device="cpu",
        progress=False,
    )
    m = small_run.metrics
    print(
        f"beta {beta:3}: test -ELBO {m['test_nelbo']:6.1f} = recon "
        f"{m['test_recon']:6.1f} + KL {m['test_kl']:5.1f} nats per image"
    )
    net = small_run.models["vae"]
    with torch.no_grad():
        mean_code, _ = net.encoder(x.flatten(1))
        rows[f"beta {beta}: reconstructions"] = net.decode(mean_code)
        rows[f"beta {beta}: samples from the prior"] = net.decode(prior_z)

fig, axes = plt.subplots(len(rows), 1, figsize=(5, 0.8 * len(rows)))
for ax, (name, images) in zip(axes, rows.items()):
    common.image_grid(ax, images, nrow=batch)
    ax.set_title(name, fontsize=8, loc="left")
fig.tight_layout()

# %% [markdown]
# ### Two latent dimensions or twenty
#
# The site's 2-D VAE draws the latent-space figures; its 20-D sibling draws
# the samples. Train both shapes at the small scale and compare their test
# negative ELBO and its two terms, beside the site's runs. Where does the
# 2-D model lose, in reconstruction or in KL? Why does it spend fewer nats
# on the code?

# %% tags=["exercise"]
for k in (2, 20):
    small_run = vae.train(
        vae.config_for("smoke", latent_dim=k, **small),
        device="cpu",
        progress=False,
    )
    m = small_run.metrics
    print(
        f"small, k = {k:2d}: test -ELBO {m['test_nelbo']:6.1f} = recon "
        f"{m['test_recon']:6.1f} + KL {m['test_kl']:5.1f}"
    )
for name in ("vae2d", "vae"):
    m = pipeline.trained(name)[1]["metrics"]
    print(
        f"site's {name:>5}: test -ELBO {m['test_nelbo']:6.1f} = recon "
        f"{m['test_recon']:6.1f} + KL {m['test_kl']:5.1f}"
    )

# %% [markdown]
# ### Walking between two classes
#
# Walk with the site's VAE from a T-shirt to a sneaker, and let an
# independent judge, a small classifier trained on real Fashion-MNIST
# images only, name each step. Where does the garment change, and is the
# change sudden or gradual? Try other pairs (the class numbers are listed
# in `test_set.classes`), and compare with the same walk in the
# [autoencoder notebook](../autoencoder/).

# %% tags=["exercise"]
from gen_src import classifier

judge = pipeline.trained("classifier")[0].models["classifier"]
test_set = data.load("fashion-mnist", "test")
start, end = 0, 7  # T-shirt/top, Sneaker
pair = torch.stack(
    [test_set.images[test_set.labels == c][0] for c in (start, end)]
)
with torch.no_grad():
    ends, _ = model.encoder(pair.flatten(1))  # the two mean codes
    steps = torch.linspace(0, 1, 9).unsqueeze(1)
    walk = model.decode(ends[0] * (1 - steps) + ends[1] * steps)
named = classifier.predict(judge, walk)
fig, axes = plt.subplots(1, 9, figsize=(9, 1.5))
for ax, image, c in zip(axes, walk, named):
    ax.imshow(image.squeeze(), cmap="gray_r")
    ax.set_title(test_set.classes[c], fontsize=7)
    ax.axis("off")
