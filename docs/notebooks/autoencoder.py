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

from gen_src import autoencoder, data
from gen_src.autoencoder import PIXELS, AEConfig
from gen_src.builder import pipeline
from gen_src.plots import common

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## The model and its loss
#
# The encoder $e$ maps the 784 pixels of an image to a code
# $z = e(x) \in \mathbb{R}^k$ through one hidden layer of 400 units; the
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
# Follow eight test images through an untrained autoencoder with $k = 2$:
# 784 numbers go in, 2 come out of the bottleneck, 784 come back. Before
# training every output pixel sits near $0.5$, so the loss is large.

# %%
torch.manual_seed(0)
x = data.load("fashion-mnist", "test").images[:8]  # (8, 1, 28, 28)
net = Autoencoder(AEConfig(latent_dim=2))
with torch.no_grad():
    z = net.encoder(x)
    x_hat = net.decoder(z)
print(
    f"x {tuple(x.shape)} -> z {tuple(z.shape)} -> x_hat {tuple(x_hat.shape)}"
)
print(f"output pixels in [{x_hat.min():.2f}, {x_hat.max():.2f}]")
print(f"loss before training: {reconstruction_loss(x, x_hat):.1f} per image")
print(f"{sum(p.numel() for p in net.parameters()):,} parameters")

# %% [markdown]
# ## Train an autoencoder yourself
#
# The training loop of the page: encode and decode a mini-batch, take the
# squared error, step; after every epoch, measure the error on test images.
# Here it runs on a small slice of Fashion-MNIST for a few epochs, so it
# takes seconds and ends far above the site's runs; the first exercise at
# the end trains a larger one.

# %%
config = autoencoder.config_for("smoke", num_epochs=5)
dev = torch.device("cpu")
torch.manual_seed(config.seed)  # the same initial weights every time
train_set, test_set = data.splits(config)  # config.train_size, test_size
train_images, test_images = train_set.images, test_set.images
print(config)

# %%
# --8<-- "snippets/autoencoder.py:train"

# %% [markdown]
# ## The site's runs: a code of 2 numbers, and of 20
#
# `pipeline.trained(...)` returns the runs behind the figures of the page,
# trained with the profile above on the whole training set: `ae2d`, whose
# code has $k = 2$ numbers, and `ae`, with $k = 20$. Their records say how
# they were made and how well they reconstruct the test set: `test_recon`
# is $\Vert x - d(e(x)) \Vert^2$ per image, `test_mse_pixel` the same
# divided by 784. Below them, the figure of the page: test images (top),
# their reconstructions through 2 numbers (middle) and through 20 (bottom).

# %%
runs = {}
for name in ("ae2d", "ae"):
    runs[name], record = pipeline.trained(name)
    print(
        f"{name}: latent_dim {record['config']['latent_dim']}, "
        f"num_epochs {record['config']['num_epochs']}, trained in "
        f"{record['seconds']:.0f} s on {record['device']}"
    )
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
#   returns the average training image, as if $k = 0$;
# - **PCA**, the best *linear* autoencoder with the same $k$. The page
#   shows that its error on the training set is the sum of the discarded
#   eigenvalues of the covariance, $\sum_{j > k} \lambda_j$; its test
#   error should be close to that.
#
# A non-linear autoencoder *can* beat PCA at the same $k$, because it can
# follow a curved manifold instead of a flat subspace. The last column says
# whether, and by how much, the site's runs do.

# %%
flat_train = data.load("fashion-mnist", "train").images.flatten(1)
cfg = runs["ae"].config
x_test = data.subset(
    data.load("fashion-mnist", "test"), cfg.test_size, cfg.seed
).images  # the runs' test set
mean = flat_train.mean(0)  # the mean training image, (784,)
centred = x_test.flatten(1) - mean
eigvals, eigvecs = torch.linalg.eigh(torch.cov(flat_train.T).double())
eigvals, eigvecs = eigvals.flip(0), eigvecs.flip(1).float()  # largest first

print(f"mean image: test error {centred.pow(2).sum(1).mean():.2f} per image")
print(
    f"{'k':>3} {'discarded eigenvalues':>22} {'PCA test':>9} "
    f"{'AE test':>8} {'AE / PCA':>9}"
)
for run in runs.values():
    k = run.config.latent_dim
    top = eigvecs[:, :k]  # the k principal directions, (784, k)
    pca = (centred - centred @ top @ top.T).pow(2).sum(1).mean().item()
    ae = autoencoder.evaluate(run.models["ae"], x_test)
    print(
        f"{k:3d} {eigvals[k:].sum():22.2f} {pca:9.2f} {ae:8.2f} "
        f"{ae / pca:9.2f}"
    )

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
    nearest = torch.cat(
        [
            torch.cdist(chunk, train_feats).argmin(1)
            for chunk in test_feats.split(500)
        ]
    )
    return (
        (train_set.labels[tr][nearest] == test_set.labels[te])
        .float()
        .mean()
        .item()
    )


with torch.no_grad():
    for name, run in runs.items():
        encode = run.models["ae"].encoder
        share = same_class_share(
            encode(train_set.images[tr]), encode(test_set.images[te])
        )
        print(
            f"code of {run.config.latent_dim:2d} numbers ({name}): "
            f"{share:.1%} same class"
        )
pixels = same_class_share(
    train_set.images[tr].flatten(1), test_set.images[te].flatten(1)
)
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
test = data.subset(
    data.load("fashion-mnist", "test"), runs["ae2d"].config.test_size
).images
points = 64

# %%
# --8<-- "snippets/ae_random_decode.py:decode"

# %% [markdown]
# The page warns that more dimensions make it worse: the box grows
# exponentially with $k$ while the codes fill only a thin part of it. Run
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
print(
    f"k = 2:  random z to nearest code {gap:.3f}, code to code "
    f"{spacing:.3f}, {gap / spacing:.1f}x"
)
print(
    f"k = 20: random z to nearest code {gap20:.3f}, code to code "
    f"{spacing20:.3f}, {gap20 / spacing20:.1f}x"
)

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4.6))
common.image_grid(left, images, nrow=8)
left.set_title("random z in the box, k = 2")
common.image_grid(right, images20, nrow=8)
right.set_title("random z in the box, k = 20")
fig.tight_layout()

# %% [markdown]
# With two numbers, some random codes decode to plausible garments, others
# to faint smudges, fragments and blends. With twenty, the decoder reconstructs far better, yet
# random codes from the box still lie several times farther from the real
# ones than the real ones lie from each other, and they decode to broken,
# high-contrast fragments of several garments laid over each other: in 20
# dimensions the box is almost all empty space. A good reconstruction
# error does not make a generator: for that the latent space needs
# continuity and completeness, which is what the
# [variational autoencoder](../../vae/) adds.
#
# ## Try it yourself
#
# Each exercise comes with a starter cell that runs it at a small scale
# (10,000 training images, a few epochs: seconds on a CPU). Run it as it
# is, answer the question, then change the numbers and run it again.
#
# ### A longer code, trained for longer
#
# Train an autoencoder with a code of $k = 20$ numbers on 10,000 images
# for three epochs, with the page's training loop. How close does it get
# to the site's `ae` run, which saw all 60,000 images? What do more epochs
# buy, and what do more images buy?

# %% tags=["exercise"]
config = autoencoder.config_for(
    "smoke", latent_dim=20, num_epochs=3, train_size=10_000
)
train_images = data.splits(config)[0].images
test_images = x_test  # the test images of the site's runs, as above
site = autoencoder.evaluate(runs["ae"].models["ae"], test_images)
print(f"the site's ae run: test error {site:.2f} per image")

# %% tags=["exercise"]
# --8<-- "snippets/autoencoder.py:train"

# %% [markdown]
# ### A linear autoencoder against PCA
#
# Remove the ReLUs and the sigmoid: the encoder becomes $e(x) = Wx + b$
# and the decoder $d(z) = Vz + c$. The page says that the best such model
# reaches exactly the error of PCA (on the training set; on test images,
# nearly). Train one with $k = 2$ and watch its
# test error per epoch approach PCA's. Does it get there? Gradient descent
# finds the PCA subspace only slowly: try a larger learning rate, or more
# epochs.

# %% tags=["exercise"]
torch.manual_seed(0)
linear = nn.Sequential(
    nn.Flatten(),  # (N,1,28,28) -> (N,784)
    nn.Linear(PIXELS, 2),  # e(x) = Wx + b, no ReLU
    nn.Linear(2, PIXELS),  # d(z) = Vz + c, no sigmoid
    nn.Unflatten(1, (1, 28, 28)),
)
opt = torch.optim.Adam(linear.parameters(), lr=3e-3)
batches = data.Batches(
    train_images, batch_size=128, generator=torch.Generator().manual_seed(0)
)
top = eigvecs[:, :2]  # the 2 principal directions
pca2 = (centred - centred @ top @ top.T).pow(2).sum(1).mean().item()
print(f"PCA with k = 2: test error {pca2:.2f} per image")
for epoch in range(1, 4):
    for xb in batches:
        loss = reconstruction_loss(xb, linear(xb))
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(
        f"epoch {epoch}: linear autoencoder "
        f"{autoencoder.evaluate(linear, x_test):.2f} per image"
    )

# %% [markdown]
# ### Walking from a sneaker to a T-shirt
#
# Encode a sneaker and a T-shirt with the 2-D model, walk along the
# straight line between their codes, and decode nine points on it. The
# cell also prints how far each point lies from the nearest real code, in
# units of the typical spacing between codes measured above. What do the
# images half-way look like, and does the line cross a gap? Try other
# pairs of classes (the class numbers are listed in `test_set.classes`),
# then do the same in the [VAE notebook](../vae/).

# %% tags=["exercise"]
start, end = 7, 0  # Sneaker, T-shirt/top
ae2 = runs["ae2d"].models["ae"]
pair = torch.stack(
    [test_set.images[test_set.labels == c][0] for c in (start, end)]
)
with torch.no_grad():
    ends = ae2.encoder(pair)  # (2, 2)
    steps = torch.linspace(0, 1, 9).unsqueeze(1)
    path = ends[0] * (1 - steps) + ends[1] * steps  # (9, 2)
    walk = ae2.decoder(path)
    off = torch.cdist(path, codes).min(1).values / spacing
print(f"{test_set.classes[start]} -> {test_set.classes[end]}")
print(
    "distance to the nearest code, in code spacings: "
    + " ".join(f"{v:.1f}" for v in off)
)
fig, ax = plt.subplots(figsize=(9, 1.3))
common.image_grid(ax, walk, nrow=9)

# %% [markdown]
# ### Cross-entropy instead of squared error
#
# Pixels lie in $[0, 1]$, so the loss can also be the binary cross-entropy
# summed over the pixels, the Bernoulli likelihood of the
# [VAE page](../../vae/). Train two autoencoders with $k = 20$ in the same
# way, one with each loss, and compare their reconstructions, by eye and
# by squared error. Which one renders thin straps and dark garments
# better, and why might the cross-entropy, which punishes a confident wrong
# pixel without limit, behave differently?

# %% tags=["exercise"]
from torch.nn import functional as F


def bce_loss(x, x_hat):
    """Binary cross-entropy summed over the pixels, mean over the batch."""
    return F.binary_cross_entropy(x_hat, x, reduction="sum") / len(x)


fitted = {}
for name, loss_fn in (
    ("squared error", reconstruction_loss),
    ("cross-entropy", bce_loss),
):
    torch.manual_seed(0)
    net = Autoencoder(autoencoder.config_for("smoke", latent_dim=20))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(2):
        for xb in batches:  # the 10,000 images of the first exercise
            loss = loss_fn(xb, net(xb))
            opt.zero_grad()
            loss.backward()
            opt.step()
    fitted[name] = net
    print(
        f"trained on {name}: test squared error "
        f"{autoencoder.evaluate(net, x_test):.2f} per image"
    )

with torch.no_grad():
    shown = x_test[:10]
    rows = [shown] + [net(shown) for net in fitted.values()]
fig, ax = plt.subplots(figsize=(7, 2.3))
common.image_grid(ax, torch.cat(rows), nrow=10)
ax.set_title("test images; squared error; cross-entropy", fontsize=10)
fig.tight_layout()
