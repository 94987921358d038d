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
# follows the profile of the machine: `quick` on a CPU (about a minute per
# model), `full` on a GPU.

# %%
from gen_src import data, pipeline, vae

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
# than the site's run. Change `config` to train longer.

# %%
config = vae.config_for("smoke", num_epochs=1)
dev = torch.device("cpu")
train = data.subset(data.load("fashion-mnist", "train"),
                    config.train_size, config.seed).images
test = data.subset(data.load("fashion-mnist", "test"),
                   config.test_size, config.seed).images
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
print(f"trained for {epochs} epoch{'s' if epochs > 1 else ''} in "
      f"{record['seconds']:.0f} s on {record['device']}")
for name, value in record["metrics"].items():
    print(f"{name:>20}: {value:.2f}")

# %% [markdown]
# Reconstruction and KL on the training batches, as training went on. The
# KL term rises early: the encoder starts to use its latent code.

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
# Encode two test images, walk along the straight line between their means,
# and decode each point. Every step decodes to a plausible garment: this is
# the continuity the KL term pays for.

# %%
import matplotlib.pyplot as plt

model = run.models["vae"]  # the site's VAE again, not the small one above
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
# - Set `beta=4` in `vae.config_for` and train again: the KL term grows in
#   weight. What happens to the reconstructions, and to the samples?
# - Train with `latent_dim=2` and compare the test negative ELBO with the
#   20-dimensional model's.
# - Walk between two images of different classes. Where does the garment
#   change?
