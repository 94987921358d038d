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
# # Hands-on: diffusion and flow matching
#
# This notebook goes with the page
# [Diffusion and flow matching](../../diffusion/). Most of it happens in
# two dimensions, on the ring of eight Gaussians, where every sample can be
# plotted and every mode counted; the last two sections move to
# Fashion-MNIST. You will watch the forward process
# destroy the ring under two noise schedules, compute both losses on a
# batch, check the diffusion sampler against a model whose answer is known
# exactly, and train a flow matching model in a few seconds. Then you will
# study the runs behind the site's figures: their paths from noise to data,
# their velocity field at the start, what their steps cost, and the same
# flow on the codes of the site's VAE for Fashion-MNIST, with and without
# a class asked for. The last
# section gives each exercise a cell that runs it at a small scale.
#
# Run the cells from top to bottom. The first one installs the course's
# package `gen_src` where it is missing (on Colab, for example). The site's
# runs are loaded from the cache when they exist and trained otherwise,
# with the profile of the machine: `quick` on a CPU (under a minute per
# run), `full` on a GPU.

# %%
import math  # math, cfg and nn: used by the code embedded from gen_src

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

from gen_src import config as cfg
from gen_src import denoising, diffusion, toy
from gen_src import flow_matching as flow
from gen_src.builder import pipeline
from gen_src.diffusion import (  # read by the code embedded from it
    SAMPLERS,
    SCHEDULES,
    check_steps,
)

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## The forward process
#
# A diffusion model first fixes a way to destroy data: $T$ small steps,
# each of which shrinks the point and adds Gaussian noise. The steps compose
# into one, so that $x_t$ can be drawn straight from $x_0$:
#
# $$
# x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\,\epsilon,
# \qquad \epsilon \sim \mathcal{N}(0, I).
# $$
#
# The noise schedule gives $\bar\alpha_t$, from 1 at $t = 0$ (the data) to
# almost 0 at $t = T$ (pure noise): linear in the variances $\beta_t$ (Ho
# et al.) or a squared cosine in $\bar\alpha_t$ (Nichol & Dhariwal). The
# cell below is the code of `gen_src/diffusion.py` itself, the same lines
# as on the page.

# %%
# --8<-- "gen_src/diffusion.py:schedule"

# %% [markdown]
# The models see the points divided by the data's root mean square
# coordinate, `denoising.data_scale`, so that each coordinate of the data
# has a variance of about 1, as the noise has. The cell noises 2,500 points
# of the ring at six times under both schedules, with the same noise
# $\epsilon$. The variance of $x_t$ stays at about 1 all the way:
# $\bar\alpha_t$ of the data's variance plus $1 - \bar\alpha_t$ of the
# noise's. What fades is the data: the column `same` gives the share of
# points whose nearest mode is still the one they started from, 100% at
# $t = 0$ and $1/8 = 12.5\%$ by chance alone.

# %%
T = 1000
scale = denoising.data_scale("ring")
gen = torch.Generator().manual_seed(0)
x0 = toy.sample("ring", 2500, gen) / scale
eps = torch.randn(x0.shape, generator=gen)
times = [0, 100, 250, 500, 750, T]
abars = {schedule: alpha_bar(schedule, T) for schedule in SCHEDULES}
centres = toy.modes("ring") / scale
start = torch.cdist(x0, centres).argmin(dim=1)  # each point's own mode

print(f"{'':>5}" + "".join(f"{s:>22}" for s in SCHEDULES))
print(f"{'t':>5}" + f"{'abar_t':>10} {'var':>5} {'same':>5}" * 2)
noised = {}
for t in times:
    row = f"{t:5d}"
    for schedule, abar in abars.items():
        xt = forward_sample(x0, torch.full((len(x0),), t), eps, abar)
        noised[schedule, t] = xt
        same = (torch.cdist(xt, centres).argmin(dim=1) == start).float()
        row += f"{abar[t].item():10.4f} {xt.var(0).mean():5.2f}"
        row += f" {same.mean():5.0%}"
    print(row)

fig, axes = plt.subplots(2, len(times), figsize=(1.9 * len(times), 4.2))
for row, schedule in zip(axes, SCHEDULES):
    for ax, t in zip(row, times):
        ax.scatter(*noised[schedule, t].T, s=1, alpha=0.5)
        ax.set_title(f"{schedule}, t = {t}", fontsize=8)
        ax.set(xlim=(-3.2, 3.2), ylim=(-3.2, 3.2), xticks=[], yticks=[])
        ax.set_aspect("equal")
fig.tight_layout()

# %% [markdown]
# Under the linear schedule, by $t = 500$ the points are hardly nearer
# their own mode than chance would place them: the second half of the
# steps mixes noise with noise. Under the cosine schedule the ring fades
# over the whole range, and the network has something to learn at every
# $t$. This is why the site's runs use the cosine schedule.
#
# ## One network, two losses
#
# Both methods train the same network: an MLP that reads the point and an
# embedding of its time $t \in [0, 1]$ (diffusion's step $t$ enters as
# $t / T$). It returns a vector like the point: the predicted noise for
# diffusion, the velocity for flow matching.

# %%
# --8<-- "gen_src/denoising.py:network"

# %% [markdown]
# Diffusion's simple loss draws a time $t$ uniformly from $1, \dots, T$,
# noises the batch with the forward process and regresses the noise:
# $\mathbb{E}\,\|\epsilon - \epsilon_\theta(x_t, t)\|^2$.

# %%
# --8<-- "gen_src/diffusion.py:loss"

# %% [markdown]
# One call on a batch, the 2,500 points of the ring above, with the network
# of the site's runs, untrained. A network that predicts no noise at all
# scores about $\mathbb{E}\,\|\epsilon\|^2 = 2$ in two dimensions; an
# untrained network is not far from it.

# %%
config = diffusion.config_for(settings.profile, dataset="ring")
abar = abars[config.schedule]
torch.manual_seed(0)
net = TimeMLP(2, config.hidden)
batch = x0  # 2,500 points of the ring, in the model's units
print(f"TimeMLP{config.hidden}: {sum(p.numel() for p in net.parameters()):,}")
out = net(batch, torch.rand(len(batch)))  # a time for each point
print(f"batch {tuple(batch.shape)} -> eps(x_t, t) {tuple(out.shape)}")


def zero(x, t):
    return torch.zeros_like(x)  # predicts nothing


print(f"simple loss, untrained network:   {loss(net, batch, abar):.3f}")
print(f"simple loss, a network that is 0: {loss(zero, batch, abar):.3f}")

# %% [markdown]
# ## Sampling, checked against the ideal model
#
# The sampler starts from noise $x_T$ and steps back to $t = 0$. At each
# step it predicts the noise, hence an estimate of $x_0$, and moves to an
# earlier time: DDPM (ancestral sampling) adds fresh noise, DDIM puts the
# predicted noise back and is deterministic. With fewer steps than $T$, it
# runs the same chain on a subsequence of the times.

# %%
# --8<-- "gen_src/diffusion.py:sample"

# %% [markdown]
# A sampler can be tested without any training. When the data is Gaussian,
# $x_0 \sim \mathcal{N}(0, S^2 I)$, the noised point $x_t$ is Gaussian too,
# of variance $\bar\alpha_t S^2 + 1 - \bar\alpha_t$, and the best possible
# noise prediction is a linear regression on $x_t$:
#
# $$
# \mathbb{E}[\epsilon \mid x_t]
# = \frac{\operatorname{Cov}(\epsilon, x_t)}{\operatorname{Var}(x_t)}\, x_t
# = \frac{\sqrt{1 - \bar\alpha_t}}{\bar\alpha_t S^2 + 1 - \bar\alpha_t}\, x_t .
# $$
#
# Fed to the sampler in place of a trained network, it must turn standard
# normal noise into points of standard deviation $S$. The repository's
# tests make the same check (`tests/test_diffusion.py`).

# %%
S = 0.3  # the data: N(0, S^2 I)


class IdealNoise(nn.Module):
    """E[eps | x_t] for data N(0, S^2 I), at the network's t in [0, 1]."""

    def __init__(self, abar):
        super().__init__()
        self.abar = abar

    def forward(self, x, t):
        T = len(self.abar) - 1
        a = self.abar[(t * T).round().long()].float()[:, None]
        return (1 - a).sqrt() * x / (a * S**2 + 1 - a)


ideal = IdealNoise(abar)
z = torch.randn(5000, 2, generator=torch.Generator().manual_seed(0))
print(f"the data's standard deviation: {S}")
for sampler in SAMPLERS:
    for steps in (1000, 100, 10):
        gen = torch.Generator().manual_seed(1)
        x = sample(ideal, z, abar, steps, sampler, generator=gen)
        print(
            f"{sampler} with {steps:4d} steps: standard deviation "
            f"{x.std(0).mean():.4f}, mean {x.mean(0).abs().max():.4f}"
        )

# %% [markdown]
# Both samplers reach $S$ with the full chain, and fall short of it with
# few steps. Each step puts the estimate
# $\hat x_0 = \mathbb{E}[x_0 \mid x_t]$ in place of $x_0$: over a small
# step this costs little, but over a large one it drops the spread of $x_0$
# around its estimate, and the samples come out too narrow.
#
# ## Flow matching
#
# Flow matching draws a noise point $z$, a data point $x_1$ and a time
# $t \in [0, 1]$, and regresses the velocity $x_1 - z$ of the straight line
# between them at its point $x_t = (1 - t)\,z + t\,x_1$. Here the time runs
# the other way: $t = 0$ is noise and $t = 1$ the data.

# %%
# --8<-- "gen_src/flow_matching.py:loss"

# %% [markdown]
# The cell above replaces diffusion's `loss` with flow matching's, under
# the same name, and the next one replaces `sample`: from here on, `loss`
# and `sample` are flow matching's, and the cells call diffusion's as
# `diffusion.loss` and `diffusion.sample`. A velocity of 0 now scores
# about
# $\mathbb{E}\,\|x_1 - z\|^2 = \mathbb{E}\,\|x_1\|^2 + \mathbb{E}\,\|z\|^2 = 2 + 2$.

# %%
print(f"flow matching loss, untrained network:   {loss(net, batch):.3f}")
print(f"flow matching loss, a network that is 0: {loss(zero, batch):.3f}")

# %% [markdown]
# Sampling integrates $\mathrm{d}x/\mathrm{d}t = v_\theta(x, t)$ from
# $t = 0$ to 1 in equal steps, with Euler's method or Heun's (two network
# evaluations a step, and one for the last, which is Euler's).

# %%
# --8<-- "gen_src/flow_matching.py:sample"

# %% [markdown]
# ## Train a flow yourself
#
# `flow.train` runs Adam on the loss above over fresh mini-batches of the
# ring, lowers the learning rate to 0 over the last 30% of the updates, and
# scores 2,500 samples from one fixed draw of noise with the PacGAN
# protocol: a sample is of **high quality** when it lies within 3 standard
# deviations (0.03) of its nearest mode, and a mode is captured when one
# high-quality sample is nearest to it. Here it runs 2,000 updates of 256
# points, where the site's runs make 6,000 or more: seconds on a CPU.

# %%
SMALL = dict(dataset="ring", num_steps=2000, batch_size=256)
small = flow.config_for("smoke", **SMALL)
mine = flow.train(small, device="cpu", progress=False)


def report(m):
    return (
        f"{m['modes']}/{m['num_modes']} modes, "
        f"{m['high_quality']:4.0%} high quality, "
        f"reverse KL {m['reverse_kl']:.3f}, "
        f"largest mode {m['largest_mode_share']:4.0%}"
    )


losses = mine.history["loss"]
print(
    f"{small.num_steps} updates in {mine.seconds:.1f} s on {mine.device}; "
    f"loss {sum(losses[:100]) / 100:.3f} over the first 100 updates, "
    f"{sum(losses[-100:]) / 100:.3f} over the last 100"
)
print(f"Euler, {small.sample_steps} steps: {report(mine.metrics)}")

# %% [markdown]
# The same network, the same starting noise, the two samplers and several
# numbers of steps. Heun's steps cost two network evaluations each (its
# last step one), so compare rows of about equal cost: 10 Heun steps (19
# evaluations) against 20 Euler steps. Do
# more steps always place more samples on the modes? More steps follow
# the learned field more closely, but the learned field is itself only an
# estimate, blurred around the sharp modes; exercise 3 shows which way a
# coarse Euler step errs.

# %%
SAMPLERS = flow.SAMPLERS  # ("euler", "heun"): read by sample()
velocity = mine.models["velocity"]
z = denoising.noise(small)  # the run's fixed starting noise
print(
    f"{'sampler':>8} {'steps':>6} {'evaluations':>12} {'modes':>6} {'HQ':>5}"
)
for sampler in SAMPLERS:
    for steps in (1, 5, 10, 20, 50):
        m = denoising.scored(sample(velocity, z, steps, sampler), "ring")
        cost = flow.evaluations(steps, sampler)
        print(
            f"{sampler:>8} {steps:6d} {cost:12d} "
            f"{m['modes']:>4}/{m['num_modes']} {m['high_quality']:5.0%}"
        )

# %% [markdown]
# Sixty particles on their way, with 10 steps of each sampler; the titles
# give the paths' straightness (distance from start to end over path length, 1
# for a straight line).

# %%
fig, axes = plt.subplots(1, 2, figsize=(7, 3.6))
for ax, sampler in zip(axes, SAMPLERS):
    paths = sample(velocity, z, 10, sampler, path=True) * scale
    p = paths[:, :60]
    ax.plot(p[:, :, 0], p[:, :, 1], color="0.6", lw=0.5)
    ax.scatter(*paths[-1].T, s=1, color="tab:orange", alpha=0.3)
    ax.scatter(*toy.modes("ring").T, marker="x", color="black", s=15)
    straight = denoising.straightness(paths)
    ax.set_title(f"{sampler}, 10 steps: straightness {straight:.2f}")
    ax.set_aspect("equal")
fig.tight_layout()

# %% [markdown]
# ## The site's runs
#
# `pipeline.trained(name)` returns the runs the figures on the page were
# drawn from: diffusion (scored with DDPM) and flow matching (scored with
# Euler steps), on the ring and on the grid of 25 modes, with the same
# network, the same number of updates and the same starting noise.

# %%
site = {
    "diffusion_ring": pipeline.trained("diffusion_ring"),
    "flow_ring": pipeline.trained("flow_ring"),
    "diffusion_grid": pipeline.trained("diffusion_grid"),
    "flow_grid": pipeline.trained("flow_grid"),
}
for name, (run, record) in site.items():
    c, m = record["config"], record["metrics"]
    print(
        f"{name}: {c['sampler']}, {c['sample_steps']} steps "
        f"({m['evaluations']} evaluations), {m['steps']:,} updates of "
        f"{c['batch_size']} points, {record['seconds']:.0f} s on "
        f"{record['device']}"
    )
    print(f"    {report(m)}, straightness {m['straightness']:.2f}")

# %% [markdown]
# Particles carried from noise (grey) to samples (orange): DDPM's chain,
# DDIM's deterministic steps on the same network, and flow matching's
# Euler steps. DDPM's paths are jagged because each step adds fresh noise;
# the other two are smooth, but they are not straight.

# %%
pipeline.draw("diffusion_paths")

# %% [markdown]
# Why not straight? At $t = 0$ the point is pure noise and says nothing
# about where it will end, so the ideal velocity there is the data's mean
# minus the point, $u_0(x) = \mathbb{E}[x_1] - x$. Both sets are centred on
# 0, so $u_0(x) = -x$: every particle first heads for the centre, and only
# later turns towards a mode. The cell asks the trained velocity networks.

# %%
x = torch.randn(2000, 2, generator=torch.Generator().manual_seed(3))
with torch.no_grad():
    for name in ("flow_ring", "flow_grid"):
        v0 = site[name][0].models["velocity"](x, torch.zeros(len(x)))
        cosine = F.cosine_similarity(v0, -x).mean().item()
        ratio = (v0.norm(dim=1) / x.norm(dim=1)).median().item()
        print(
            f"{name}: v(x, 0) against -x: mean cosine {cosine:.3f}, "
            f"median length ratio {ratio:.2f}"
        )

# %% [markdown]
# **What the steps cost.** A GAN makes a sample in one network
# evaluation; these samplers need many. The figure sweeps the number of
# steps from 1 to 100 for each sampler of the four runs. In one step every
# sample lands on the estimate of $x_0$ from pure noise, the data's mean:
# the empty centre of the ring, the middle mode of the grid.

# %%
pipeline.draw("diffusion_steps")

# %% [markdown]
# ## In the VAE's latent space
#
# The same flow matching, on the 20-number codes of Fashion-MNIST images
# under the site's VAE: the flow learns where the codes of real images
# lie, and its samples go through the VAE's decoder. `trained` loads the
# run (and the VAE it builds on) that the
# [latent diffusion page](../../latent_diffusion/) shows, or trains both
# here. The last line is a mark to compare with: the decoded codes of real
# training images.

# %%
latent, record = pipeline.trained("latent_flow")
m = record["metrics"]
print(
    f"latent flow: Fréchet {m['frechet']:.1f}, precision "
    f"{m['precision']:.2f}, recall {m['recall']:.2f}, "
    f"{m['evaluations']} evaluations + 1 decoding a sample"
)
print(
    f"VAE prior:   Fréchet {m['prior_frechet']:.1f}, precision "
    f"{m['prior_precision']:.2f}, recall {m['prior_recall']:.2f}"
)
print(
    f"decoded codes of real images: Fréchet {m['reconstructed_frechet']:.1f}"
)
pipeline.draw("latent_flow_samples")

# %% [markdown]
# ## Asking for a class
#
# The same flow with the label as an input, trained with one label in ten
# dropped, sampled with classifier-free guidance: the unconditional
# velocity moved `w` times the way the label moves it. The judge checks
# whether each sample is of the class asked for.

# %%
guided, record = pipeline.trained("guided_flow")
m = record["metrics"]
for w in record["config"]["guidance"]:
    print(
        f"w = {w:g}: class accuracy {m[f'guidance_{w:g}_class_accuracy']:.0%}, "
        f"Fréchet {m[f'guidance_{w:g}_frechet']:.1f}, "
        f"recall {m[f'guidance_{w:g}_recall']:.2f}"
    )
pipeline.draw("guidance_sweep")

# %% [markdown]
# ## Try it yourself
#
# Each exercise has a starter cell that runs it at the scale of the small
# flow above: a few seconds per run. `try_run` trains a diffusion or a flow
# matching model with the small run's settings, some of them changed, and
# prints the high-quality share of each sampler against the number of
# steps, from the run's own sweep. One run is one draw: change `seed` to
# see how much the answer depends on luck.


# %% tags=["exercise"]
def quality_by_steps(run):
    """Each sampler's high-quality share for 1 to 100 steps."""
    for key in run.tensors:
        if key.startswith("sweep_") and key.endswith("_steps"):
            name = key[len("sweep_") : -len("_steps")]
            steps = run.tensors[key].tolist()
            hq = run.tensors[f"sweep_{name}_high_quality"].tolist()
            table = "  ".join(f"{s}: {q:4.0%}" for s, q in zip(steps, hq))
            print(f"{name:>6} | steps: HQ  {table}")


def try_run(family, **changes):
    """Train the small run of `family` with `changes`; print, return it."""
    config = family.config_for("smoke", **{**SMALL, **changes})
    run = family.train(config, device="cpu", progress=False)
    name = family.__name__.split(".")[-1]
    print(f"{name} {changes}: {run.seconds:.1f} s")
    print(f"    {report(run.metrics)}")
    quality_by_steps(run)
    return run


print("the small flow:")
quality_by_steps(mine)

# %% [markdown]
# **1. Diffusion on the same budget.** Train a diffusion model with the
# small flow's settings. Compare DDPM and DDIM at 10 and at 100 steps, and
# both with the flow's Euler steps at the same number of evaluations.
# Which sampler needs the fewest evaluations to place half of the samples
# on a mode? Does DDPM's fresh noise help or hurt when the steps are few,
# and when they are many?

# %% tags=["exercise"]
mine_diffusion = try_run(diffusion)

# %% [markdown]
# **2. The linear schedule.** Find, for each schedule, the first $t$ at
# which $\bar\alpha_t$ falls below $0.5$ and below $0.01$. Then train the
# small diffusion model with `schedule="linear"`. Which schedule does
# better here, and does the answer change on the grid
# (`dataset="grid"`)?

# %% tags=["exercise"]
for schedule, abar in abars.items():
    below = [int((abar < level).nonzero()[0]) for level in (0.5, 0.01)]
    print(
        f"{schedule}: abar_t < 0.5 from t = {below[0]}, < 0.01 from {below[1]}"
    )
linear = try_run(diffusion, schedule="linear")

# %% [markdown]
# **3. When Heun's method pays off.** For Gaussian data
# $\mathcal{N}(0, S^2 I)$ the ideal velocity of the straight path is known
# too:
#
# $$
# u_t(x) = \mathbb{E}[x_1 - z \mid x_t = x]
# = \frac{t S^2 - (1 - t)}{(1 - t)^2 + t^2 S^2}\, x .
# $$
#
# Sample it with Euler's and Heun's methods at the same number of network
# evaluations and compare the standard deviations with $S$. Then compare
# the two at equal cost on the ring, in the table of the small flow. Where
# Heun's method does not win, what is different about the field it
# integrates? (Think of how fast the velocity must change near a sharp
# mode when $t$ is close to 1.)


# %% tags=["exercise"]
class IdealVelocity(nn.Module):
    """E[x1 - z | x_t] on the straight path, for data N(0, S^2 I)."""

    def forward(self, x, t):
        t = t[:, None]
        return x * (t * S**2 - (1 - t)) / ((1 - t) ** 2 + (t * S) ** 2)


z = torch.randn(5000, 2, generator=torch.Generator().manual_seed(0))
for evaluations in (4, 10, 20):
    for sampler in SAMPLERS:
        steps = (evaluations + 1) // 2 if sampler == "heun" else evaluations
        x = sample(IdealVelocity(), z, steps, sampler)
        print(
            f"{evaluations:3d} evaluations, {sampler:>5} ({steps:2d} steps): "
            f"standard deviation {x.std(0).mean():.4f} (S = {S})"
        )
