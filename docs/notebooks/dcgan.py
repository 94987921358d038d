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
# # Hands-on: DCGAN
#
# This notebook goes with the page
# [Deep convolutional GANs](../../dcgan/). A DCGAN plays the same game as
# the GAN of the [GAN page](../../gan/), with the same losses and the same
# training step; only the two networks change, from multilayer perceptrons
# to convolutional networks. You will check the shape arithmetic behind
# them, push a batch through both networks layer by layer, train a small
# DCGAN on Fashion-MNIST in seconds, and then study the run behind the
# site's figures: its samples, its Fréchet distance, its loss curves, its
# latent space, and how it compares with the MLP GAN. The last section
# gives each exercise a cell that runs it at a small scale.
#
# Run the cells from top to bottom. The first one installs the course's
# package `gen_src` where it is missing (on Colab, for example). The site's
# runs are loaded from the cache when they exist and trained otherwise,
# with the profile of the machine: `quick` on a CPU (seconds to minutes
# per model), `full` on a GPU.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn  # nn: used by the code embedded from gen_src

from gen_src import (
    adversarial,
    adversarial_training,
    classifier,
    data,
    dcgan,
    gan,
)
from gen_src.builder import pipeline
from gen_src.plots.common import image_grid

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## Radford et al.'s guidelines
#
# Radford, Metz and Chintala (2015) found a family of convolutional GANs
# that trains stably, under five rules:
#
# 1. **No pooling.** $D$ downsamples with strided convolutions, $G$
#    upsamples with transposed convolutions: the networks learn their own
#    resampling, and $G$, which learns only through $D$'s gradient, does not
#    get the sparse gradient of max pooling.
# 2. **Batch normalisation in both networks**, except on $G$'s output layer
#    and $D$'s input layer.
# 3. **No fully connected hidden layers.** $G$'s first layer projects $z$
#    and reshapes it into a small stack of feature maps; $D$'s last layer
#    maps its features to one logit.
# 4. **ReLU in $G$, tanh on its output**, so images are scaled to
#    $[-1, 1]$ for training.
# 5. **LeakyReLU in $D$**, $\max(x, 0.2x)$, which lets gradient through
#    for negative inputs too.
#
# The paper trained with mini-batches of 128, weights drawn from
# $\mathcal{N}(0, 0.02^2)$ and Adam with a learning rate of
# $2 \times 10^{-4}$ and $\beta_1 = 0.5$. The site's `full` profile keeps
# these; the `quick` profile, which trains on a CPU, departs from them
# (see the site's run below).
#
# The sizes work out because a convolution with kernel $k$, stride $s$ and
# padding $p$ maps a width $i$ to $o_{\text{conv}}$, and a transposed
# convolution goes back the other way:
#
# $$
# o_{\text{conv}} = \left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1,
# \qquad
# o_{\text{transposed}} = (i - 1)\, s - 2p + k .
# $$
#
# With $k = 4$, $s = 2$, $p = 1$ the first halves an even width and the
# second doubles any width, so $28 = 7 \cdot 2 \cdot 2$ gives feature maps
# of 7, 14 and 28 pixels. The cell checks both formulas, and checks that
# $G$'s first layer, a 7×7 transposed convolution of $z$ seen as a 1×1
# image, is a fully connected layer in disguise: "project and reshape".

# %%
up = nn.ConvTranspose2d(1, 1, kernel_size=4, stride=2, padding=1)
down = nn.Conv2d(1, 1, kernel_size=4, stride=2, padding=1)
for i in (7, 14, 28):
    x = torch.zeros(1, 1, i, i)
    print(
        f"width {i:2d}: transposed conv -> {up(x).shape[-1]:2d} "
        f"(formula {(i - 1) * 2 - 2 + 4:2d}), conv -> "
        f"{down(x).shape[-1]:2d} (formula {(i + 2 - 4) // 2 + 1:2d})"
    )

project = nn.ConvTranspose2d(64, 16, kernel_size=7)  # z (64) -> (16, 7, 7)
z = torch.randn(3, 64)
as_conv = project(z[:, :, None, None]).flatten(1)  # (3, 16 * 7 * 7)
as_linear = z @ project.weight.flatten(1) + project.bias.repeat_interleave(
    7 * 7
)
print(
    "project and reshape = a linear layer:",
    torch.allclose(as_conv, as_linear, atol=1e-5),
)

# %% [markdown]
# ## The networks
#
# With $c$ channels, the generator goes from $z$ to $(2c, 7, 7)$,
# $(c, 14, 14)$ and the image $(1, 28, 28)$; the discriminator mirrors it
# and ends in one logit. Layers followed by batch normalisation have no
# bias: the normalisation subtracts it anyway.

# %%
# --8<-- "gen_src/dcgan.py:generator"
# --8<-- "gen_src/dcgan.py:discriminator"

# %% [markdown]
# The page's snippet pushes a batch through both networks, built with the
# configuration of the site's run, and prints every layer's output shape
# and each network's number of parameters.

# %%
config = dcgan.config_for(settings.profile)
nets = dcgan.build(config)  # G and D, weights drawn from N(0, 0.02^2)
batch = 16
shapes = {}

# %%
# --8<-- "snippets/dcgan_networks.py:shapes"

# %% [markdown]
# ## Train a DCGAN yourself
#
# `dcgan.train` calls the GAN's training step, `adversarial.make_step`,
# with these networks: one update of $D$, then one of $G$ with the
# non-saturating loss, for every mini-batch. Here it trains narrow networks
# (16 channels) for 150 steps on 4,800 images, with mini-batches of 32 and
# a learning rate of $5 \times 10^{-4}$: seconds on a CPU. Expect blurry
# blobs with the outline of a garment, not finished images.

# %%
small = dcgan.config_for("smoke", train_size=4800, channels=16, lr=5e-4)
mine = dcgan.train(small, progress=False)
h = mine.history
print(
    f"{mine.metrics['steps']} steps in {mine.seconds:.1f} s on {mine.device}"
)
print(
    f"last 50 steps: L_D {sum(h['d_loss'][-50:]) / 50:.3f}, "
    f"L_G {sum(h['g_loss'][-50:]) / 50:.3f}, "
    f"D(x) {sum(h['d_real'][-50:]) / 50:.3f}, "
    f"D(G(z)) {sum(h['d_fake'][-50:]) / 50:.3f}"
)

z_grid = adversarial.fixed_noise(32, small.latent_dim)  # the same z always
fig, ax = plt.subplots(figsize=(6, 3))
fake = adversarial.to_unit(adversarial.generate(mine.models["G"], z_grid))
image_grid(ax, fake, nrow=8)

# %% [markdown]
# ## The site's run
#
# `pipeline.trained("dcgan")` returns the run behind the figures on the
# DCGAN page. On a CPU the `quick` profile departs from the paper's
# settings to fit its budget (fewer channels, smaller mini-batches, a
# higher learning rate, part of the training set); on a GPU the `full`
# profile keeps them. The record says exactly how this run was trained.

# %%
run, record = pipeline.trained("dcgan")
c = record["config"]
print(
    f"channels {c['channels']}, latent_dim {c['latent_dim']}, "
    f"batch_size {c['batch_size']}, lr {c['lr']}, betas {c['betas']}"
)
print(
    f"{record['metrics']['steps']} steps ({c['num_epochs']} epoch(s) "
    f"over {c['train_size'] or 60000} images) in {record['seconds']:.0f} s "
    f"on {record['device']}"
)

# %% [markdown]
# Samples from a fixed 8×8 grid of noise vectors. Because the noise is
# fixed, the grid can be compared across runs and code changes. Look for
# garments of many classes (diversity: no mode collapse), clean
# silhouettes, and the remaining defects: smudged textures, garments
# halfway between two classes.

# %%
pipeline.draw("dcgan_samples")

# %% [markdown]
# ## How good? The Fréchet distance
#
# An independent Fashion-MNIST classifier, trained on real images only,
# turns every image into a feature vector. A Gaussian is fitted to the
# features of generated images and one to those of real test images, and
# the distance between the two Gaussians is
#
# $$
# d^2 = \Vert \mu_r - \mu_g \Vert^2
# + \operatorname{Tr}\!\Big(\Sigma_r + \Sigma_g
# - 2\big(\Sigma_r \Sigma_g\big)^{1/2}\Big) .
# $$
#
# It is the FID of Heusel et al. (2017), with a classifier trained on this
# dataset in place of the Inception network. Lower is better, and it is
# never zero, even between two sets of real images, because the samples
# are finite. So the record also gives the **floor**: the distance from as
# many real *training* images to the same number of test images, what a
# perfect generator would score with this many samples.

# %%
m = record["metrics"]
print(
    f"Fréchet distance, {m['frechet_samples']} samples vs real: "
    f"{m['frechet']:.2f}"
)
print(f"floor, as many training images vs test:  {m['frechet_floor']:.2f}")

# %% [markdown]
# The distance itself is a few lines. The floor depends on the number of
# images: with fewer of them the fitted means and covariances are noisier,
# and two real sets look further apart. The next cells compute a floor of
# this kind for several sizes $n$ with the classifier the site used. Here
# both sides come from the test set: two disjoint random subsets of $n$
# test images each, averaged over three random draws, since one draw is
# itself noisy. (The record's floor pairs training with test images
# instead, so its value need not match the row of the same size.)

# %%
# --8<-- "gen_src/metrics/frechet.py:frechet"

# %%
judge = pipeline.trained("classifier")[0].models["classifier"]
test = data.load("fashion-mnist", "test")
features = classifier.features(judge, test.images)  # (10000, F)
for n in (250, 1000, 2500, 5000):
    floors = []
    for seed in range(3):
        gen = torch.Generator().manual_seed(seed)
        order = torch.randperm(len(features), generator=gen)
        floors.append(
            frechet_distance(features[order[:n]], features[order[n : 2 * n]])
        )
    print(
        f"real vs real, {n:4d} images each: {sum(floors) / 3:.2f} "
        f"(min {min(floors):.2f}, max {max(floors):.2f})"
    )

# %% [markdown]
# ## Loss curves
#
# A GAN's losses are not supposed to go to zero. In a healthy run both stay
# in a band and move against each other: $D$'s loss below its chance level
# $2 \log 2 \approx 1.39$ (dashed), $G$'s above $\log 2 \approx 0.69$
# (dotted). Warning signs are a discriminator loss that collapses to zero
# ($D$ has won and $G$ gets no gradient) and a generator loss that climbs
# steadily. The cell prints the averages over the last tenth of training.

# %%
tail = max(1, len(run.history["d_loss"]) // 10)
for key, label in (
    ("d_loss", "L_D"),
    ("g_loss", "L_G"),
    ("d_real", "D(x)"),
    ("d_fake", "D(G(z))"),
):
    print(f"{label:>8}: {sum(run.history[key][-tail:]) / tail:.3f}")
pipeline.draw("dcgan_losses")

# %% [markdown]
# ## Walking the latent space
#
# Each row decodes evenly spaced points on the straight line between two
# noise vectors, $G((1 - t)\, z_0 + t\, z_1)$ for $t$ from 0 to 1. A
# generator that had memorised training images would jump from one to the
# next; one that learned a smooth map changes shape, and class, gradually.

# %%
pipeline.draw("dcgan_interpolation")

# %% [markdown]
# ## DCGAN against the MLP GAN
#
# The MLP GAN of the GAN page was trained on the same data with the same
# step and loss. The networks differ, and so do some settings: the
# mini-batch size, the learning rate and its schedule (the MLP GAN cools
# it down at the end), and dropout in the MLP's discriminator. The table
# shows the main ones next to the sizes, the budgets and the Fréchet
# distances. Note that DCGAN does not win by size: its two networks
# together have fewer parameters than the MLP GAN's. Convolutions spend
# them on local patterns that are shared across the image.

# %%
mlp_run, mlp_record = pipeline.trained("gan_fmnist")
print(
    f"{'':8} {'G params':>9} {'D params':>9} {'total':>9} {'batch':>6} "
    f"{'lr':>7} {'steps':>6} {'seconds':>8} {'Fréchet':>8} {'floor':>6}"
)
for label, r, rec in (
    ("DCGAN", run, record),
    ("MLP GAN", mlp_run, mlp_record),
):
    g, d = (
        sum(p.numel() for p in r.models[k].parameters()) for k in ("G", "D")
    )
    rc, rm = rec["config"], rec["metrics"]
    print(
        f"{label:8} {g:9,} {d:9,} {g + d:9,} {rc['batch_size']:6d} "
        f"{rc['lr']:7.0e} {rm['steps']:6d} {rec['seconds']:8.0f} "
        f"{rm['frechet']:8.2f} {rm['frechet_floor']:6.2f}"
    )

# %% [markdown]
# The MLP GAN's samples from the same kind of fixed noise grid. Compare
# the silhouettes and the textures with the DCGAN's grid above.

# %%
pipeline.draw("gan_fmnist_samples")

# %% [markdown]
# ## Which garments does each generator draw?
#
# The classifier can also label generated images. On real test images its
# predicted classes are close to 10% each (it is not perfect, so not
# exactly). A generator whose samples pile onto a few classes, and never
# draw some others, shows a partial mode collapse. The last line sums this
# up with the same reverse KL against the uniform histogram as the mode
# count on the 2-D toy data (0 when every class gets 10%). Look for the
# classes that a generator draws (almost) never. Read the labels of blurry
# or noisy samples with care: the classifier must put every image in some
# class, even one that looks like no garment.


# %%
def class_shares(images):
    counts = torch.bincount(classifier.predict(judge, images), minlength=10)
    return counts.double() / len(images)


shares = {"real": class_shares(test.images[:2000])}
for label, r in (("DCGAN", run), ("MLP GAN", mlp_run)):
    z = adversarial.fixed_noise(2000, r.config.latent_dim, seed=1)
    fake = adversarial.to_unit(adversarial.generate(r.models["G"], z))
    shares[label] = class_shares(fake)

print(f"{'class':<12}" + "".join(f"{label:>9}" for label in shares))
for k, name in enumerate(test.classes):
    print(f"{name:<12}" + "".join(f"{p[k]:9.1%}" for p in shares.values()))
kl = {
    label: (p[p > 0] * (10 * p[p > 0]).log()).sum().item()
    for label, p in shares.items()
}
print(f"{'reverse KL':<12}" + "".join(f"{v:9.3f}" for v in kl.values()))

# %% [markdown]
# ## Try it yourself
#
# Each exercise has a starter cell that runs it at the scale of the small
# DCGAN above: a few seconds each. `train_small` trains the small DCGAN
# with some settings changed, prints its losses at the end, and `show` puts
# sample grids from the same fixed noise side by side.

# %% tags=["exercise"]
from dataclasses import replace


def train_small(**changes):
    """Train the small DCGAN with `changes`; print and return it."""
    r = dcgan.train(replace(small, **changes), progress=False)
    h, n = r.history, 50
    print(
        f"{changes}: {r.metrics['steps']} steps in {r.seconds:.1f} s; "
        f"last {n} steps: L_D {sum(h['d_loss'][-n:]) / n:.3f}, "
        f"L_G {sum(h['g_loss'][-n:]) / n:.3f}, "
        f"D(x) {sum(h['d_real'][-n:]) / n:.3f}, "
        f"D(G(z)) {sum(h['d_fake'][-n:]) / n:.3f}"
    )
    return r


def show(runs):
    """Sample grids of several runs from the same noise z_grid."""
    fig, axes = plt.subplots(
        1, len(runs), figsize=(3.2 * len(runs), 1.9), squeeze=False
    )
    for ax, (label, r) in zip(axes[0], runs.items()):
        G = r.models["G"]
        image_grid(
            ax, adversarial.to_unit(adversarial.generate(G, z_grid)), nrow=8
        )
        ax.set_title(label, fontsize=9)
    fig.tight_layout()
    return fig


# %% [markdown]
# **1. The paper's learning rate, and momentum.** Train the small DCGAN with
# `lr=2e-4`, the paper's, and then with Adam's default momentum,
# `betas=(0.9, 0.999)`. With so few steps, which learning rate gets
# further? Does the default momentum make training less stable, as the
# paper reports? Look at the losses and at the grids.

# %% tags=["exercise"]
paper_lr = train_small(lr=2e-4)
default_betas = train_small(betas=(0.9, 0.999))
fig = show(
    {"lr 5e-4": mine, "lr 2e-4": paper_lr, "betas (0.9, 0.999)": default_betas}
)

# %% [markdown]
# **2. No batch normalisation in the generator.** Build a generator without
# the `nn.BatchNorm2d` layers and train it against an ordinary
# `Discriminator` with `adversarial_training.train_adversarial`, as `dcgan.train`
# does. Do the samples still vary? The cell also prints how much the
# samples differ from one another: the per-pixel standard deviation over
# the batch, averaged over the pixels (0 when every sample is the same).


# %% tags=["exercise"]
class GeneratorNoBN(nn.Module):
    """The DCGAN generator with its batch normalisation layers removed."""

    def __init__(self, latent_dim: int, channels: int):
        super().__init__()
        layers = Generator(latent_dim, channels).net
        self.net = nn.Sequential(
            *[m for m in layers if not isinstance(m, nn.BatchNorm2d)]
        )

    def forward(self, z):
        return self.net(z[:, :, None, None])


torch.manual_seed(small.seed)
nets = {
    "G": GeneratorNoBN(small.latent_dim, small.channels),
    "D": Discriminator(small.channels),
}
for net in nets.values():
    net.apply(dcgan.init_weights)
no_bn = adversarial_training.train_adversarial(
    small, nets, device="cpu", progress=False, label="no-bn"
)
for label, r in (("with batch norm", mine), ("without", no_bn)):
    x = adversarial.generate(r.models["G"], z_grid)
    print(f"{label:>15}: spread of the samples {x.std(dim=0).mean():.3f}")
fig = show({"with batch norm": mine, "without": no_bn})

# %% [markdown]
# **3. More data.** Double `train_size` in the small run (twice the
# images, so twice the steps). How do the samples change, and how long
# does it take?

# %% tags=["exercise"]
more = train_small(train_size=2 * small.train_size)
fig = show(
    {
        f"{small.train_size:,} images": mine,
        f"{2 * small.train_size:,} images": more,
    }
)

# %% [markdown]
# **4. Your own walk.** Pick two noise vectors of your own, decode evenly
# spaced points on the line between them with `adversarial.generate`, and
# plot the row with `image_grid`. Try it with the site's generator and with
# your small one.

# %% tags=["exercise"]
gen = torch.Generator().manual_seed(42)  # change the seed for other ends
z0, z1 = torch.randn(2, run.config.latent_dim, generator=gen)
t = torch.linspace(0, 1, 10)[:, None]
walk = (1 - t) * z0 + t * z1  # (10, latent_dim)
fig, ax = plt.subplots(figsize=(6, 0.8))
image_grid(
    ax,
    adversarial.to_unit(adversarial.generate(run.models["G"], walk)),
    nrow=10,
)

# %% [markdown]
# **5. Where does your DCGAN stand?** Compute the Fréchet distance of your
# small DCGAN with `dcgan.score` (the same function the site's runs are
# scored with) and place it between the site's run and the floor. The
# floor depends on the number of samples, so the cell scores as many
# samples as the site's run used.

# %% tags=["exercise"]
classifier_run = pipeline.trained("classifier")[0]
n = record["metrics"]["frechet_samples"]
sized = replace(mine, config=replace(mine.config, num_samples=n))
yours = dcgan.score(sized, classifier_run)
print(f"{n:,} samples each")
print(f"  your small DCGAN: {yours['frechet']:8.2f}")
print(f"  the site's DCGAN: {record['metrics']['frechet']:8.2f}")
print(f"  floor:            {record['metrics']['frechet_floor']:8.2f}")
