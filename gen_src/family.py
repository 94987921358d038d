"""What a model family and a plot module provide: the contract, once.

A *family* is a module of gen_src (gan.py, vae.py, ...) that trains runs:

    RUNS = {"vae": lambda profile: config_for(profile), ...}

    config_for(profile, **overrides) -> Config    the profile's settings
    build(config) -> {"name": nn.Module}          the networks, untrained
    train(config, *, device, progress) -> Run     trains them
    score(run, classifier_run) -> {metric: value} optional: the run's
                                                  metrics after training;
                                                  classifier_run is the
                                                  judge for runs on images,
                                                  None for the others
    COST = {"vae": 3}                             optional: a run's training
                                                  time against a toy GAN's
                                                  on the ring (1), under
                                                  quick; or one per
                                                  profile, {"vae": {"quick":
                                                  3, "full": 1.2}}; the
                                                  costliest train first,
                                                  and shards balance it
    UPSTREAM = {"latent_flow": "vae"}             optional: the run each run
                                                  builds on; train() gets
                                                  it as upstream=Run, and
                                                  its cache key is part of
                                                  this run's
    explorer(run) -> Explorer                     optional: the run's 2-D
                                                  latent plane can be
                                                  explored live on the site

A *plot module* (gen_src/plots/*.py) draws the site's figures:

    FIGURES = {"vae_samples": (("vae",), samples), ...}

    each value: (the runs it needs, in order; a function of those Runs
    that returns a matplotlib Figure).

    WIDGETS = {"NAME": (KIND, STILL, ((GROUP, (RUN, ...)), ...))}

    optional, a live figure: (its kind, "latent", "conditional",
    "replay" or "sampler"; the figure of this module that stands in for
    it, which draws exactly its runs; its groups of runs, (name, runs),
    shown together, the first with the page).

The build finds every module of the course that defines RUNS or FIGURES
(gen_src.builder.registry) and refuses one that breaks the contract,
naming what is missing. The README's "Adding a model family" says how to
add one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

FAMILY_NAMES = ("RUNS", "config_for", "build", "train")


@runtime_checkable
class Family(Protocol):
    RUNS: Mapping[str, Callable[[str], Any]]

    def config_for(self, profile: str, **overrides) -> Any: ...

    def build(self, config) -> dict: ...

    def train(
        self, config, *, device: str = "auto", progress: bool = True
    ) -> Any: ...


@runtime_checkable
class PlotModule(Protocol):
    FIGURES: Mapping[str, tuple[tuple[str, ...], Callable[..., Any]]]


@dataclass(frozen=True)
class Explorer:
    """What the site's live latent explorer needs of a trained run.

    encode(images, labels) -> codes (N, 2), the points of the plane;
    decoder: the nn.Sequential the reader's browser runs (dense layers,
    ReLU, sigmoid); decode(z, labels) -> images in [0, 1], PyTorch's
    reference for the browser's float16 copy."""

    encode: Callable[[Any, Any], Any]
    decoder: Any
    decode: Callable[[Any, Any], Any]
    sigmoid_after: bool  # decode applies a sigmoid after the decoder
    prior: bool  # the plane is the prior's, N(0, I); else the codes' box
    num_labels: int = 0  # one-hot labels follow z into the decoder
    codes: int = 2000  # test images shown as points (page weight)


def check_family(module) -> None:
    """Raise TypeError naming the module and what it lacks."""
    missing = [n for n in FAMILY_NAMES if not hasattr(module, n)]
    if missing or not isinstance(module, Family):
        raise TypeError(
            f"{module.__name__} defines RUNS but lacks "
            f"{', '.join(missing)}: see gen_src/family.py"
        )
    for name, make in module.RUNS.items():
        if not callable(make):
            raise TypeError(
                f"{module.__name__}.RUNS[{name!r}] must be a "
                "function of the profile"
            )


def check_plots(module) -> None:
    if not isinstance(module, PlotModule):
        raise TypeError(
            f"{module.__name__} lacks FIGURES: see gen_src/family.py"
        )
    for name, value in module.FIGURES.items():
        ok = (
            isinstance(value, tuple)
            and len(value) == 2
            and isinstance(value[0], tuple)
            and callable(value[1])
        )
        if not ok:
            raise TypeError(
                f"{module.__name__}.FIGURES[{name!r}] must be "
                "a (run names, function) tuple"
            )
