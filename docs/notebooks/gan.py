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
# # Hands-on: generative adversarial networks
#
# This notebook goes with the page
# [Generative adversarial networks](../../gan/). Everything happens in two
# dimensions, where every sample can be plotted and every mode counted. You
# will build the two networks, look at the three losses and their gradients,
# run one round of Goodfellow et al.'s Algorithm 1 by hand, and train a GAN
# on a ring of eight Gaussians in a few seconds. Then you will study the runs
# behind the site's figures: how many modes they reach, what changes with
# the minimax loss, what happens when the generator is allowed to lead, and
# what the discriminator has learned. The last section gives each exercise a
# cell that runs it at a small scale.
#
# Run the cells from top to bottom. The first one installs the course's
# package `gen_src` where it is missing (on Colab, for example). The site's
# runs are loaded from the cache when they exist and trained otherwise,
# with the profile of the machine: `quick` on a CPU (seconds per run),
# `full` on a GPU.

# %%
import math  # math, nn and F: used by the code embedded from gen_src

import torch
import torch.nn.functional as F
from torch import nn

from gen_src import adversarial, gan, loop, stacking, toy
from gen_src.adversarial import Game, gan_game, pack  # used by make_step
from gen_src.builder import pipeline
from gen_src.metrics import modes
from gen_src.plots import gan_toy as gan_plots

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## The two players
#
# The **generator** $G$ turns a noise vector $z \sim \mathcal{N}(0, I)$ into
# a sample $G(z)$; the **discriminator** $D$ turns a sample into a logit
# $\ell$, with $D(x) = \sigma(\ell)$ the probability that $x$ is real. Both
# are small multilayer perceptrons. On the toy data the noise has two
# dimensions, the generator has no output activation (the points are not
# bounded) and the discriminator's widths mirror the generator's.

# %%
# --8<-- "gen_src/gan.py:generator"
# --8<-- "gen_src/gan.py:discriminator"

# %% [markdown]
# The cell builds both networks with the configuration of the site's ring
# runs and passes five noise vectors through them. An untrained $D$ has no
# opinion yet: its verdicts are close to $\tfrac12$.

# %%
config = gan.config_for(settings.profile, dataset="ring")
torch.manual_seed(0)
G = Generator(config.latent_dim, config.hidden, (2,), tanh=False)
D = Discriminator((2,), tuple(reversed(config.hidden)))

z = torch.randn(5, config.latent_dim)  # five noise vectors
with torch.no_grad():
    fake = G(z)
    logits = D(fake)
print(
    f"z {tuple(z.shape)} -> G(z) {tuple(fake.shape)} -> "
    f"logits {tuple(logits.shape)}"
)
print("D(G(z)) =", [round(p, 3) for p in torch.sigmoid(logits).tolist()])
for name, net in (("G", G), ("D", D)):
    print(f"{name}: {sum(p.numel() for p in net.parameters()):,} parameters")

# %% [markdown]
# ## The losses, written on logits
#
# $D$ maximises $\log D(x) + \log(1 - D(G(z)))$: it is a binary classifier
# trained with the binary cross-entropy, labels 1 for real and 0 for
# generated. The generator has two possible losses: the **minimax** loss
# $\log(1 - D(G(z)))$, the game itself, and the **non-saturating loss**
# $-\log D(G(z))$ that everyone trains with. With $D(G(z)) = \sigma(\ell)$,
# their derivatives with respect to the logit are
#
# $$
# \frac{\partial}{\partial \ell} \log\big(1 - \sigma(\ell)\big) = -D(G(z)),
# \qquad
# \frac{\partial}{\partial \ell} \big[-\log \sigma(\ell)\big]
# = -\big(1 - D(G(z))\big).
# $$
#
# All three are computed from logits with $\operatorname{softplus}$, so no
# logarithm of a rounded probability is ever taken.

# %%
# --8<-- "gen_src/adversarial.py:d_loss"
# --8<-- "gen_src/adversarial.py:g_loss_minimax"
# --8<-- "gen_src/adversarial.py:g_loss_nonsaturating"

# %% [markdown]
# Two checks. The discriminator's loss is PyTorch's binary cross-entropy
# with those labels. And where $D$ cannot tell real from generated
# ($D = \tfrac12$, a logit of 0), the losses sit at their chance levels:
# $2 \log 2$ for $D$ and $\log 2$ for the non-saturating $G$ loss. These are
# the reference lines on the site's loss plots.

# %%
G_LOSSES = {"minimax": g_loss_minimax, "nonsaturating": g_loss_nonsaturating}

real_logits, fake_logits = torch.randn(8), torch.randn(8)
bce = F.binary_cross_entropy_with_logits(
    real_logits, torch.ones(8)
) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros(8))
print(
    f"d_loss {d_loss(real_logits, fake_logits):.4f}   "
    f"BCE with labels 1 and 0 {bce:.4f}"
)
chance = torch.zeros(8)  # D = 1/2 on every sample
print(
    f"at D = 1/2: d_loss {d_loss(chance, chance):.4f} "
    f"(2 log 2 = {2 * math.log(2):.4f}), non-saturating "
    f"{g_loss_nonsaturating(chance):.4f} (log 2 = {math.log(2):.4f})"
)

# D's logit on a fake goes from -8 (D(G(z)) = 0.0003) to 2
low, high, points = -8.0, 2.0, 6

# %% [markdown]
# Now the derivatives, from a fake that $D$ rejects with certainty to one it
# takes for real. Early in training $G$ is poor and $D(G(z))$ is small: this
# is the top of the table.

# %%
# --8<-- "snippets/gan_losses.py:losses"

# %% [markdown]
# Where $D$ is sure ($D(G(z)) \approx 0$), the minimax derivative is
# $-D(G(z)) \approx 0$: the loss **saturates** and $G$ gets almost no
# signal, while the non-saturating derivative is close to $-1$. Both push
# every fake's logit up, but they weight the fakes differently, by
# $D(G(z))$ and by $1 - D(G(z))$, so they do not share their stationary
# points in general. What they share is the equilibrium, $p_g =
# p_{\text{data}}$ with $D = \tfrac12$ everywhere: there both weights are
# $\tfrac12$ and, $D$ being flat, both gradients vanish.
#
# ## One round of Algorithm 1
#
# Training alternates: $k$ updates of $D$ with $G$ fixed, then one update of
# $G$ with $D$ fixed (`d_steps` is $k$; the site uses $k = 1$, except in
# the loss comparison). In the $D$
# update the fakes are made under `torch.no_grad()`, so nothing reaches
# $G$. In the $G$ update the gradient flows *through* $D$, but only $G$'s
# optimiser steps. `order` says who moves first; Algorithm 1 is
# `"d_first"`.

# %%
# --8<-- "gen_src/adversarial.py:step"

# %% [markdown]
# One round on fresh networks. Hooks on the two optimisers print $D$'s mean
# verdicts on one real batch and on one batch of fakes after each update:
# $D$'s step pulls the two verdicts apart, then $G$'s step pushes
# $D(G(z))$ back up while $D(x)$ stays where it was ($D$ is fixed). The
# last line is what `step` returns: both losses, and $D$'s verdicts as
# they were during its update.

# %%
torch.manual_seed(0)
G = Generator(config.latent_dim, config.hidden, (2,), tanh=False)
D = Discriminator((2,), tuple(reversed(config.hidden)))
step = make_step(G, D, config, torch.device("cpu"))
real = toy.sample("ring", config.d_steps * config.batch_size)
z = torch.randn(config.batch_size, config.latent_dim)


def verdicts(label):
    with torch.no_grad():
        d_real = torch.sigmoid(D(real)).mean().item()
        d_fake = torch.sigmoid(D(G(z))).mean().item()
    print(f"{label:<15} D(x) = {d_real:.4f}   D(G(z)) = {d_fake:.4f}")


opt_d, opt_g = step.optimizers
hooks = [
    opt_d.register_step_post_hook(lambda *a: verdicts("after D's step")),
    opt_g.register_step_post_hook(lambda *a: verdicts("after G's step")),
]
verdicts("start")
out = step(real)  # one round: D's update(s), then G's
for hook in hooks:
    hook.remove()
print({key: round(float(value), 4) for key, value in out.items()})

# %% [markdown]
# ## Counting modes: the PacGAN protocol
#
# The ring has eight Gaussian modes of standard deviation 0.01 on the unit
# circle. Following PacGAN (Lin et al., 2018), 2,500 generated samples are
# scored. A sample is **high-quality** when it lies within 3 standard
# deviations of its nearest mode, and a mode is **captured** when at least
# one high-quality sample is nearest to it. One stray sample is enough to
# capture a mode, so two more numbers describe how evenly the high-quality
# samples spread: the **reverse KL** of their mode histogram $p$ against
# the uniform one,
#
# $$
# \mathrm{KL}(p \,\|\, u) = \sum_{i=1}^{K} p_i \log (K p_i),
# $$
#
# which is 0 when every mode gets $1/K$ and $\log K$ when one mode gets
# everything, and the **largest mode's share** ($1/8 = 12.5\%$ at best on
# the ring).

# %%
# --8<-- "gen_src/metrics/modes.py:score"

# %% [markdown]
# Three reference cases make the numbers concrete: real data, a total
# mode collapse onto one mode, and real data smeared with extra noise (all
# modes reached, few samples close enough to count).

# %%
HQ_STDS = modes.HQ_STDS  # 3 standard deviations, read by score()


def report(m):
    return (
        f"{m['modes']}/{m['num_modes']} modes, "
        f"{m['high_quality']:4.0%} high quality, "
        f"reverse KL {m['reverse_kl']:.3f}, "
        f"largest mode {m['largest_mode_share']:4.0%}"
    )


gen = torch.Generator().manual_seed(0)
n = modes.NUM_SAMPLES
cases = {
    "real data": toy.sample("ring", n, gen),
    "one mode only": toy.modes("ring")[0]
    + toy.mode_std("ring") * torch.randn(n, 2, generator=gen),
    "real + noise": toy.sample("ring", n, gen)
    + 0.05 * torch.randn(n, 2, generator=gen),
}
for name, samples in cases.items():
    print(f"{name:>14}: {report(score(samples, 'ring'))}")

# %% [markdown]
# ## Train a GAN yourself
#
# `gan.train` runs the step above over fresh mini-batches of ring data,
# lowers the learning rate to 0 over the last 30% of the rounds so the
# samples settle, and keeps snapshots of $G(z)$ for one fixed batch of
# noise; `gan.score` counts the modes of the last one. Here it runs 800
# rounds with mini-batches of 128 points, a snapshot every 50 rounds:
# seconds on a CPU. The table averages the history over blocks of 100
# rounds. Watch $D(x)$ and $D(G(z))$: a
# balanced game keeps both near $\tfrac12$.

# %%
small = gan.config_for(
    "quick", dataset="ring", num_steps=800, batch_size=128, snapshot_every=50
)
mine = gan.train(small, progress=False)
mine.metrics.update(gan.score(mine))
print(f"{small.num_steps} rounds in {mine.seconds:.1f} s on {mine.device}")
print(f"{'rounds':>9} {'L_D':>6} {'L_G':>6} {'D(x)':>6} {'D(G(z))':>8}")
for start in range(0, small.num_steps, 100):
    mean = {
        key: sum(values[start : start + 100]) / 100
        for key, values in mine.history.items()
    }
    print(
        f"{start + 1:4d}-{start + 100:<4d} {mean['d_loss']:6.3f} "
        f"{mean['g_loss']:6.3f} {mean['d_real']:6.3f} "
        f"{mean['d_fake']:8.3f}"
    )
print(report(mine.metrics))

# %% [markdown]
# Five of the snapshots, real data in grey and generated samples in orange;
# the last title gives the modes captured and the high-quality share.

# %%
fig = gan_plots.training_row(mine)

# %% [markdown]
# ## The site's runs
#
# `pipeline.trained(name)` returns the runs the figures on the GAN page were
# drawn from: the non-saturating loss on the ring with Algorithm 1's $k = 1$;
# the two losses on the ring with the discriminator ahead ($k = 3$ $D$
# updates per round, the same budget for both); a generator-heavy schedule
# on the ring; and the non-saturating loss on the grid of 25 modes. An
# update is one optimiser step of either network; the generator-heavy run
# does fewer rounds of more updates, so that it has the same budget as the
# $k = 1$ run.

# %%
site = {
    "toy_ring_ns": pipeline.trained("toy_ring_ns"),
    "toy_ring_k3_ns": pipeline.trained("toy_ring_k3_ns"),
    "toy_ring_k3_mm": pipeline.trained("toy_ring_k3_mm"),
    "toy_ring_gfirst": pipeline.trained("toy_ring_gfirst"),
    "toy_grid_ns": pipeline.trained("toy_grid_ns"),
}
for name, (run, record) in site.items():
    c, m = record["config"], record["metrics"]
    updates = m["steps"] * (c["d_steps"] + c["g_steps"])
    print(
        f"{name}: {c['dataset']}, {c['loss']} loss, order {c['order']} "
        f"(k = {c['d_steps']}, G steps = {c['g_steps']}), "
        f"{m['steps']} rounds = {updates} updates, "
        f"{record['seconds']:.0f} s on {record['device']}"
    )
    print(f"{'':>4}{report(m)}")

# %% [markdown]
# The non-saturating run on the ring, over training. The samples start as a
# blob near the origin, stretch into a loop, and then gather on the modes as
# the learning rate cools down over the last 30% of the rounds.

# %%
pipeline.draw("gan_ring_training")

# %% [markdown]
# ## Minimax or non-saturating?
#
# The table above compares the two generator losses under the same budget,
# with $D$ ahead ($k = 3$). The saturation the theory warns about needs a
# discriminator that is sure of itself. With $k = 1$, $D$'s mean verdict on
# fakes stays near $\tfrac12$ from the first rounds (printed below), and
# Adam, which divides every gradient by a running estimate of its size,
# undoes a gradient that is merely small: the minimax loss then keeps up
# (the first exercise below tries it). With $k = 3$, $D$ stays ahead: its
# verdict on the fakes is lower from the start, and lowest on the fakes far
# from the modes.
#
# What Adam cannot undo is *how the push is shared among samples*. Each
# fake's logit gets the weight $D(G(z))$ under the minimax loss and
# $1 - D(G(z))$ under the non-saturating one. The samples $D$ rejects most, those away
# from the modes $G$ already covers, are the ones the minimax loss pushes
# the least, so little pulls them towards the missing modes. The cell
# measures this with the final networks of the minimax run.

# %%
run_mm, run_ns = site["toy_ring_k3_mm"][0], site["toy_ring_ns"][0]
for name in ("toy_ring_ns", "toy_ring_k3_ns", "toy_ring_k3_mm"):
    run, record = site[name]
    first = run.history["d_fake"][:100]
    print(
        f"{name:>15} (k = {record['config']['d_steps']}): mean D(G(z)) "
        f"over the first {len(first)} rounds {sum(first) / len(first):.3f}"
    )

samples = run_mm.tensors["snapshots"][-1]
near = torch.cdist(samples, toy.modes("ring")).min(dim=1).values
on_mode = near <= HQ_STDS * toy.mode_std("ring")
with torch.no_grad():
    d_fake = torch.sigmoid(run_mm.models["D"](samples))
for label, group in (("on a mode", on_mode), ("stray", ~on_mode)):
    d = d_fake[group].mean().item()
    print(
        f"{label:>10} ({group.sum().item():4d} samples): D(G(z)) = {d:.3f}"
        f"  minimax slope {d:.3f}  non-saturating slope {1 - d:.3f}"
    )

# %% [markdown]
# So, with the discriminator ahead, the minimax loss gives almost no push to
# the samples it needs to move most, and can collapse onto a few modes.
# Whether the non-saturating loss, under the very same budget, keeps more
# modes is for the runs to say: compare the modes captured and the largest
# mode's share in the table of the site's runs. The two runs side by side,
# minimax on top; look at how many modes each reaches in the last column.

# %%
pipeline.draw("gan_loss_compare")

# %% [markdown]
# ## Min-max is not max-min
#
# Algorithm 1 trains $D$ first and gives each player one step per round:
# every generator is judged by a discriminator that has just caught up with
# it, which is the spirit of $\min_G \max_D V$. Letting $G$ move first, and
# several times per round against a stale $D$, drifts towards
# $\max_D \min_G V$, whose inner problem has a degenerate answer: against a
# fixed $D$, the best generator sends every $z$ to the single point $D$
# likes most. That is **mode collapse**. The figure compares Algorithm 1
# (top row) with $G$ moving first, five times per round (bottom row), with
# the same number of network updates.

# %%
pipeline.draw("gan_order_compare")

# %% [markdown]
# The mode count alone hides a collapse that happens *off* the modes, so
# the next cell adds two measures for every snapshot. **Top mode**: the
# share of all samples, of any quality, whose nearest mode is the most
# popular one; it is $1/8$ when the samples are spread round the ring and
# close to 1 when they sit in one clump. **Spread**: the mean distance of
# the samples from their centre, about 1 (the radius) when they cover the
# ring. The untrained generator (round 0) is a small blob and is left out
# of the summary. The `updates` column counts network updates, so that the
# two schedules can be compared at the same budget.


# %%
def top_mode(samples, dataset="ring"):
    nearest = torch.cdist(samples, toy.modes(dataset)).argmin(dim=1)
    return torch.bincount(nearest).max().item() / len(samples)


for name in ("toy_ring_ns", "toy_ring_gfirst"):
    run, record = site[name]
    steps = run.tensors["snapshot_steps"].tolist()
    shots = run.tensors["snapshots"]
    print(
        f"{name}: order {run.config.order}, "
        f"{run.config.g_steps} G step(s) per round"
    )
    per_round = run.config.d_steps + run.config.g_steps
    print(
        f"{'round':>7} {'updates':>8} {'top mode':>9} {'spread':>7} "
        f"{'modes':>6} {'HQ':>5}"
    )
    for t, samples in zip(steps, shots):
        m = modes.score(samples, "ring")
        spread = (samples - samples.mean(0)).norm(dim=1).mean().item()
        print(
            f"{t:7d} {t * per_round:8d} {top_mode(samples):9.0%} "
            f"{spread:7.2f} {m['modes']:>3}/{m['num_modes']} "
            f"{m['high_quality']:5.0%}"
        )
    worst = max(range(1, len(steps)), key=lambda i: top_mode(shots[i]))
    print(
        f"most collapsed snapshot after the start: round {steps[worst]}, "
        f"{top_mode(shots[worst]):.0%} of the samples at one mode\n"
    )

# %% [markdown]
# Look for the snapshots where one mode takes most of the samples and the
# spread is small. Under the generator-heavy schedule the samples travel as
# a clump, towards whatever $D$ currently favours, as the max-min argument
# predicts; Algorithm 1's samples are spread over the ring from its first
# snapshot on. Compare the two at about the same number of updates, then
# compare the final high-quality share and largest mode of the two runs in
# the table of the site's runs.
#
# ## What the discriminator sees
#
# For a fixed $G$, the optimal discriminator is
# $D^*(x) = p_{\text{data}}(x) / (p_{\text{data}}(x) + p_g(x))$. Where the
# generated samples sit on top of the real ones, it is $\tfrac12$. The heat
# map shows the final $D$ of the non-saturating run over the plane, with
# real points in white and generated ones as black crosses. The cell first
# prints $D$ at the eight mode centres, where $D^*$ is $\tfrac12$ if the
# generator puts as much mass there as the data, and at the origin, where
# there is neither data nor samples and the theory leaves $D$ free.

# %%
with torch.no_grad():
    D_ns = run_ns.models["D"]
    at_modes = torch.sigmoid(D_ns(toy.modes("ring")))
    at_origin = torch.sigmoid(D_ns(torch.zeros(1, 2))).item()
print("D at the modes: ", [round(p, 2) for p in at_modes.tolist()])
print(f"D at the origin: {at_origin:.4f}")
pipeline.draw("gan_d_heatmap")

# %% [markdown]
# ## A harder target: the grid of 25
#
# The grid has 25 modes of standard deviation 0.05 at
# $\{-4, -2, 0, 2, 4\}^2$: more modes, relatively closer together, and no
# single loop for the generator to trace. Look for modes that are reached
# late or never, and for bridges of low-quality samples between
# neighbours.

# %%
print(report(site["toy_grid_ns"][1]["metrics"]))
pipeline.draw("gan_grid_training")

# %% [markdown]
# ## Try it yourself
#
# Each exercise has a starter cell that runs it at the scale of the small
# run above: a few seconds each. `try_run` trains the small run with some
# settings changed and prints its scores. A fair comparison keeps the
# number of network updates fixed: the small run makes 800 rounds of 2
# updates, 1,600 in all, so a schedule with more updates per round gets
# fewer rounds. One run is one draw: change `seed` to see how much the
# answer depends on luck.

# %% tags=["exercise"]
from dataclasses import replace


def updates(config):
    return config.num_steps * (config.d_steps + config.g_steps)


def try_run(**changes):
    """Train the small run with `changes`; print and return it."""
    config = replace(small, **changes)
    run = gan.train(config, progress=False)
    run.metrics.update(gan.score(run))
    print(
        f"{changes}: {config.num_steps} rounds = {updates(config):,} "
        f"updates, {run.seconds:.1f} s"
    )
    print(f"    {report(run.metrics)}")
    return run


print(f"the small run: {updates(small):,} updates")
print(f"    {report(mine.metrics)}")

# %% [markdown]
# **1. The minimax loss, and momentum.** Train the small run with the
# minimax loss, then with the minimax loss and $k = 3$ (400 rounds of 4
# updates). Does it still reach all eight modes? Then go back to the
# non-saturating loss and give Adam its default momentum,
# `betas=(0.9, 0.999)`. What happens to the samples, and why might
# momentum hurt in a game (think of the rotation of $V(x, y) = xy$ on the
# GAN page)?

# %% tags=["exercise"]
minimax = try_run(loss="minimax")

# %% tags=["exercise"]
minimax_k3 = try_run(loss="minimax", d_steps=3, num_steps=400)

# %% tags=["exercise"]
momentum = try_run(betas=(0.9, 0.999))
fig = gan_plots.training_row(momentum)

# %% [markdown]
# **2. Who leads.** Give the discriminator five updates per round, or let
# the generator move first, five times per round. Both make 6 updates per
# round, so both get 266 rounds. How do the modes captured, the
# high-quality share and the largest mode's share change in each? Look at
# the snapshots of the generator-heavy run.

# %% tags=["exercise"]
d_heavy = try_run(d_steps=5, num_steps=266)

# %% tags=["exercise"]
g_heavy = try_run(order="g_heavy", g_steps=5, num_steps=266, snapshot_every=17)
fig = gan_plots.training_row(g_heavy)

# %% [markdown]
# **3. The grid.** Train the small run on the grid of 25 modes. How many
# modes does a run of a few seconds reach, and which ones are missing: at
# the edge, or inside?

# %% tags=["exercise"]
grid = try_run(dataset="grid")
final = grid.tensors["snapshots"][-1]
dist, nearest = torch.cdist(final, toy.modes("grid")).min(dim=1)
good = dist <= HQ_STDS * toy.mode_std("grid")
hits = torch.bincount(nearest[good], minlength=25)
centres = toy.modes("grid").tolist()
print(
    "modes with no high-quality sample:",
    [tuple(c) for c, n in zip(centres, hits) if n == 0],
)
fig = gan_plots.training_row(grid)

# %% [markdown]
# **4. The cool-down.** Set `lr_cooldown=0.0`, so that the learning rate
# stays constant to the end, and compare the high-quality share with the
# small run's: how much of the final quality comes from the cool-down?

# %% tags=["exercise"]
flat = try_run(lr_cooldown=0.0)

# %% [markdown]
# **5. Quality over time.** Score every snapshot of the small run, and of
# the run without cool-down, with `score(samples, "ring")`, and plot the
# high-quality share against the round. Where does the cool-down start, and
# what does the curve do there?

# %% tags=["exercise"]
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3))
for label, run in (("cool-down", mine), ("constant lr", flat)):
    steps = run.tensors["snapshot_steps"].tolist()
    hq = [score(x, "ring")["high_quality"] for x in run.tensors["snapshots"]]
    ax.plot(steps, hq, marker="o", label=label)
ax.axvline((1 - small.lr_cooldown) * small.num_steps, ls="--", c="0.5")
ax.set_xlabel("round")
ax.set_ylabel("high-quality share")
ax.legend()
fig.tight_layout()
