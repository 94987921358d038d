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
# # Hands-on: the autoencoder
#
# This notebook goes with the page [Autoencoders](../../autoencoder/). You
# will put a batch of images through the model and its loss, train a small
# autoencoder yourself, then study the two runs behind the page's figures:
# how well they reconstruct, how they lay out the test set in their latent
# space, and why decoding random codes does not give new clothes.
#
# Run the cells from top to bottom. The first one installs the course's
# package `gen_src` where it is missing (on Colab, for example). Training
# follows the profile of the machine: `quick` on a CPU (under a minute per
# model), `full` on a GPU.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

from gen_src import autoencoder, data, pipeline
from gen_src.autoencoder import PIXELS, AEConfig
from gen_src.plots import common

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## The model and its loss
#
# The encoder $e$ maps the 784 pixels of an image to a code
# $z = e(x) \in \mathbb{R}^d$ through one hidden layer of 400 units; the
# decoder $d$ maps the code back to 784 pixels, with a sigmoid at the end
# because pixels lie in $[0, 1]$. The loss of one image is the squared
# error summed over its pixels,
#
# $$
# l(x) = \Vert x - d(e(x)) \Vert^2 ,
# $$
#
# averaged over a mini-batch. The cell below is the code of
# `gen_src/autoencoder.py` itself, the same lines as on the page.

# %%
# --8<-- "gen_src/autoencoder.py:model"
# --8<-- "gen_src/autoencoder.py:loss"

# %% [markdown]
# Follow eight test images through an untrained autoencoder with $d = 2$:
# 784 numbers go in, 2 come out of the bottleneck, 784 come back. Before
# training every output pixel sits near $0.5$, so the loss is large.

# %%
torch.manual_seed(0)
x = data.load("fashion-mnist", "test").images[:8]  # (8, 1, 28, 28)
net = Autoencoder(AEConfig(latent_dim=2))
with torch.no_grad():
    z = net.encoder(x)
    x_hat = net.decoder(z)
print(f"x {tuple(x.shape)} -> z {tuple(z.shape)} -> x_hat {tuple(x_hat.shape)}")
print(f"output pixels in [{x_hat.min():.2f}, {x_hat.max():.2f}]")
print(f"loss before training: {reconstruction_loss(x, x_hat):.1f} per image")
print(f"{sum(p.numel() for p in net.parameters()):,} parameters")

# %% [markdown]
# ## Train an autoencoder yourself
#
# The training loop of the page: encode and decode a mini-batch, take the
# squared error, step; after every epoch, measure the error on test images.
# Here it runs on a small slice of Fashion-MNIST for a few epochs, so it
# takes seconds and ends far above the site's runs. Change `config` (for
# example `autoencoder.config_for("quick", latent_dim=20)`) to train for
# real.

# %%
config = autoencoder.config_for("smoke", num_epochs=5)
dev = torch.device("cpu")
torch.manual_seed(config.seed)  # the same initial weights every time
train = data.subset(data.load("fashion-mnist", "train"),
                    config.train_size, config.seed).images
test = data.subset(data.load("fashion-mnist", "test"),
                   config.test_size, config.seed).images
print(config)

# %%
# --8<-- "snippets/autoencoder.py:train"

# %% [markdown]
# ## The site's runs: a code of 2 numbers, and of 20
#
# `pipeline.trained(...)` returns the runs behind the figures of the page,
# trained with the profile above on the whole training set: `ae2d`, whose
# code has $d = 2$ numbers, and `ae`, with $d = 20$. Their records say how
# they were made and how well they reconstruct the test set: `test_recon`
# is $\Vert x - d(e(x)) \Vert^2$ per image, `test_mse_pixel` the same
# divided by 784. Below them, the figure of the page: test images (top),
# their reconstructions through 2 numbers (middle) and through 20 (bottom).

# %%
runs = {}
for name in ("ae2d", "ae"):
    runs[name], record = pipeline.trained(name)
    print(f"{name}: latent_dim {record['config']['latent_dim']}, "
          f"num_epochs {record['config']['num_epochs']}, trained in "
          f"{record['seconds']:.0f} s on {record['device']}")
    for key, value in record["metrics"].items():
        print(f"{key:>16}: {value:.4f}")
pipeline.draw("ae_reconstructions")

# %% [markdown]
# ### How good is that? Two baselines
#
# An error of so many units per image means little on its own. Two
# references, on the same test images:
#
# - **the mean image**: a "decoder" that ignores the code and always
#   returns the average training image, as if $d = 0$;
# - **PCA**, the best *linear* autoencoder with the same $d$. The page
#   shows that its error on the training set is the sum of the discarded
#   eigenvalues of the covariance, $\sum_{k > d} \lambda_k$; its test
#   error should be close to that.
#
# A non-linear autoencoder *can* beat PCA at the same $d$, because it can
# follow a curved manifold instead of a flat subspace. The last column says
# whether, and by how much, the site's runs do.

# %%
flat_train = data.load("fashion-mnist", "train").images.flatten(1)
cfg = runs["ae"].config
x_test = data.subset(data.load("fashion-mnist", "test"),
                     cfg.test_size, cfg.seed).images  # the runs' test set
mean = flat_train.mean(0)  # the mean training image, (784,)
centred = x_test.flatten(1) - mean
eigvals, eigvecs = torch.linalg.eigh(torch.cov(flat_train.T).double())
eigvals, eigvecs = eigvals.flip(0), eigvecs.flip(1).float()  # largest first

print(f"mean image: test error {centred.pow(2).sum(1).mean():.2f} per image")
print(f"{'d':>3} {'discarded eigenvalues':>22} {'PCA test':>9} "
      f"{'AE test':>8} {'AE / PCA':>9}")
for run in runs.values():
    k = run.config.latent_dim
    top = eigvecs[:, :k]  # the k principal directions, (784, k)
    pca = (centred - centred @ top @ top.T).pow(2).sum(1).mean().item()
    ae = autoencoder.evaluate(run.models["ae"], x_test)
    print(f"{k:3d} {eigvals[k:].sum():22.2f} {pca:9.2f} {ae:8.2f} "
          f"{ae / pca:9.2f}")

# %% [markdown]
# ## The latent space, coloured by class
#
# Encode the test set with the 2-D model and draw each code, coloured by its
# class. The network never saw a label, yet similar garments gather; look
# also at the gaps between the clusters, their odd shapes and arbitrary
# scale.

# %%
pipeline.draw("ae_latent")

# %% [markdown]
# ### Do neighbours share a class?
#
# A picture of clusters can flatter. Here is a number: for 2,000 test
# images, find the training image whose code is nearest and check whether
# it has the same class (a nearest-neighbour classifier; the labels serve
# only to score it). Chance is 10%. Doing the same in pixel space, with all
# 784 numbers, says how much of the class information the code keeps.

# %%
gen = torch.Generator().manual_seed(0)
train_set = data.load("fashion-mnist", "train")
test_set = data.load("fashion-mnist", "test")
tr = torch.randperm(len(train_set), generator=gen)[:10_000]
te = torch.randperm(len(test_set), generator=gen)[:2_000]


def same_class_share(train_feats, test_feats):
    """Share of test points whose nearest training point has their class."""
    nearest = torch.cat([torch.cdist(chunk, train_feats).argmin(1)
                         for chunk in test_feats.split(500)])
    return (train_set.labels[tr][nearest] == test_set.labels[te]) \
        .float().mean().item()


with torch.no_grad():
    for name, run in runs.items():
        encode = run.models["ae"].encoder
        share = same_class_share(encode(train_set.images[tr]),
                                 encode(test_set.images[te]))
        print(f"code of {run.config.latent_dim:2d} numbers ({name}): "
              f"{share:.1%} same class")
pixels = same_class_share(train_set.images[tr].flatten(1),
                          test_set.images[te].flatten(1))
print(f"all {PIXELS} pixels:          {pixels:.1%} same class")

# %% [markdown]
# Two numbers cannot keep ten classes apart: neighbours in the 2-D code
# share their class far more often than chance, but less often than in
# pixel space. Twenty numbers keep much more of it, for a code 39 times
# shorter than the image.
#
# ## Decoding where no image landed
#
# What does the decoder do away from the codes it was trained on? A regular
# grid over the box that holds the codes (left, red crosses), each point
# decoded (right): garments inside the clusters, ghosts and blends between
# them, blobs in the empty corners.

# %%
pipeline.draw("ae_latent_grid")

# %% [markdown]
# ### Random codes
#
# The autoencoder gives no distribution to sample codes from, so we invent
# the most generous one: uniform in the smallest box that holds the test
# codes. The page's program draws 64 such codes, decodes them, and measures
# how far each random $z$ lies from the nearest real code, compared with how
# far real codes lie from their nearest neighbour. It needs the trained
# 2-D model, the test images and the number of points:

# %%
model = runs["ae2d"].models["ae"]
test = data.subset(data.load("fashion-mnist", "test"),
                   runs["ae2d"].config.test_size).images
points = 64

# %%
# --8<-- "snippets/ae_random_decode.py:decode"

# %% [markdown]
# The page warns that more dimensions make it worse: the box grows
# exponentially with $d$ while the codes fill only a thin part of it. Run
# the same test on the 20-D model, then look at both sets of random decodes
# side by side.

# %%
model20 = runs["ae"].models["ae"]
with torch.no_grad():
    codes20 = model20.encoder(test)  # (N, 20)
    low20, high20 = codes20.min(0).values, codes20.max(0).values
    u = torch.rand(points, 20, generator=torch.Generator().manual_seed(0))
    z20 = low20 + (high20 - low20) * u
    images20 = model20.decoder(z20)
    gap20 = torch.cdist(z20, codes20).min(1).values.median()
    dist20 = torch.cdist(codes20, codes20).fill_diagonal_(float("inf"))
    spacing20 = dist20.min(1).values.median()
print(f"d = 2:  random z to nearest code {gap:.3f}, code to code "
      f"{spacing:.3f}, {gap / spacing:.1f}x")
print(f"d = 20: random z to nearest code {gap20:.3f}, code to code "
      f"{spacing20:.3f}, {gap20 / spacing20:.1f}x")

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4.6))
common.image_grid(left, images, nrow=8)
left.set_title("random z in the box, d = 2")
common.image_grid(right, images20, nrow=8)
right.set_title("random z in the box, d = 20")
fig.tight_layout()

# %% [markdown]
# With two numbers, some random codes decode to plausible garments, many to
# smudges and blends. With twenty, the decoder reconstructs far better, yet
# random codes from the box lie even farther from the real ones, relative
# to their spacing, and decode to broken, high-contrast fragments of several
# garments laid over each other. A good reconstruction
# error does not make a generator: for that the latent space needs
# continuity and completeness, which is what the
# [variational autoencoder](../../vae/) adds.
#
# ## Try it yourself
#
# - In "Train an autoencoder yourself", set `latent_dim=20` in
#   `config_for`, then train for more epochs on more images (`"quick"`).
#   How close do you get to the site's `ae` run?
# - Make the autoencoder linear (a copy of the model without the ReLUs and
#   the sigmoid) and train it with $d = 2$. Does its test error approach
#   PCA's in the baseline table, as the theory of the page predicts?
# - Decode the straight line between the 2-D codes of a sneaker and a
#   T-shirt. What do the images half-way look like? Do the same in the
#   [VAE notebook](../vae/).
# - Replace the squared error by the binary cross-entropy summed over the
#   pixels, `F.binary_cross_entropy(x_hat, x, reduction="sum") / len(x)`,
#   and compare the reconstructions.
