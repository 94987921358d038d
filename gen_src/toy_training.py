"""A GAN's training on the 2-D data: its budget, its real points, what is
recorded along the way, and its score.

The MLP GAN (gan.py) and WGAN-GP (wgan.py) train on the ring and the grid
under the same presets (the same budget of generator updates). A toy run
draws fresh points every round (real_batches); its Recording, passed to
adversarial_training.train_adversarial, keeps G's samples for a fixed z
(the figures' snapshots) and the training replay of the GAN page;
score() counts the modes of the last samples (the PacGAN protocol,
metrics/modes.py). Taught on the page docs/gan.md.
"""

from __future__ import annotations

import types

import torch
from torch import nn

from . import adversarial, data, toy
from .adversarial import fixed_noise, generate
from .metrics import modes


def presets(dataset: str) -> dict[str, dict]:
    """The profiles on 2-D data, the same for every GAN and WGAN-GP (the
    same budget of generator updates). Under quick the grid gets twice
    the ring's rounds: at 1,500 its 25 modes are found but under half of
    the samples lie on one (the mode benchmark, 5 seeds). Under full the
    ring's networks have five hidden layers, not three: its modes lie 77
    standard deviations apart (the grid's 40), so G must turn sharply
    between them, and depth multiplies the kinks a ReLU network can make.
    With R1 + EMA, 5 seeds: 96.9% of the samples of high quality with
    three layers, 98.2% with five; four layers on the grid gave 94.0%
    against 94.9% with three."""
    grid = dataset == "grid"
    deep = {} if grid else dict(hidden=(128,) * 5)
    return {
        "smoke": dict(num_steps=60, batch_size=64, snapshot_every=20),
        "quick": dict(
            num_steps=3000 if grid else 1500,
            batch_size=256,
            snapshot_every=500 if grid else 250,
        ),
        "full": dict(num_steps=5000, snapshot_every=1000, **deep),
    }


def real_batches(config) -> data.Batches:
    """num_steps rounds of fresh points, k mini-batches a round, each
    round as one tensor."""
    gen = torch.Generator().manual_seed(config.seed)
    size = config.batch_size * config.d_steps
    points = toy.sample(config.dataset, config.num_steps * size, gen)
    return data.Batches(points, batch_size=size, generator=gen)


def extras(config) -> dict:
    """What train_adversarial takes for a toy run (its batches and its
    Recording); nothing for a run on images."""
    if not config.is_toy:
        return {}
    return {"batches": real_batches(config), "recording": Recording(config)}


class Replay:
    """What the training replay on the GAN page shows, recorded while
    training: every `every` rounds, G's samples for a fixed z and D's raw
    output (a logit, or a critic's score) on a grid over the plane."""

    POINTS, GRID = 500, 48

    def __init__(self, G: nn.Module, D: nn.Module, config):
        self.G, self.D = G, D
        self.every = max(1, config.num_steps // config.replay_frames)
        self.z = fixed_noise(self.POINTS, config.latent_dim, config.seed + 2)
        self.plane = toy.plane(config.dataset, self.GRID)
        self.pack = config.pack
        self.frames: dict[int, tuple] = {}
        self(types.SimpleNamespace(step=0))  # before the first round

    def __call__(self, state) -> None:
        if state.step in self.frames:
            return
        view = adversarial.view(self.D, self.plane, self.pack)
        self.frames[state.step] = (
            generate(self.G, self.z),
            view.view(self.GRID, self.GRID),
        )

    def tensors(self) -> dict[str, torch.Tensor]:
        steps = sorted(self.frames)
        return {
            "replay_steps": torch.tensor(steps),
            "replay_points": torch.stack([self.frames[s][0] for s in steps]),
            "replay_view": torch.stack([self.frames[s][1] for s in steps]),
        }


class Recording:
    """The snapshots and the replay of one toy run."""

    def __init__(self, config):
        self.config = config

    def callbacks(self, G: nn.Module, shown_G: nn.Module, D: nn.Module):
        """(every, callback) pairs for the loop; shown_G is the G whose
        samples are shown (an average of G's weights, or G)."""
        c = self.config
        self.shown_G = shown_G
        self.z = fixed_noise(c.num_samples, c.latent_dim, c.seed)
        self.shots = {0: generate(shown_G, self.z)}
        self.replay = Replay(G, D, c)
        return [
            (c.snapshot_every, self.snapshot),
            (self.replay.every, self.replay),
        ]

    def snapshot(self, state) -> None:
        self.shots[state.step] = generate(self.shown_G, self.z)

    def finish(self, state) -> dict[str, torch.Tensor]:
        """Every snapshot and replay frame, when training ends."""
        self.snapshot(state)
        self.replay(state)
        return {
            "snapshots": torch.stack(list(self.shots.values())),
            "snapshot_steps": torch.tensor(list(self.shots)),
            **self.replay.tensors(),
        }


def score(run, classifier_run=None) -> dict[str, float]:
    """A GAN's scores on either data: on the 2-D data, the modes of its
    last snapshot (the PacGAN protocol's samples); on images, the Fréchet
    distance in the judge's features (adversarial.frechet_scores)."""
    if not run.config.is_toy:
        return adversarial.frechet_scores(run, classifier_run)
    return modes.score(run.tensors["snapshots"][-1], run.config.dataset)
