"""The figure pipeline: train (or load) runs, render figures, cache both.

Used by the MkDocs hook and by `python -m gen_src figures`, so figures can
be made without MkDocs. Keys are computed from source files alone; torch is
imported only when something must be trained, loaded or drawn.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

from .. import config as cfg
from .. import dataset_files
from . import cache as cache_mod
from . import drawing, registry, workers
from . import keys as keys_mod
from .drawing import FigureResult
from .settings import Settings

log = logging.getLogger("gen_src.pipeline")
# One judge for every profile: the classifier that scores the image runs
# (class accuracy, Fréchet distance) is the same, so that the distances
# of quick and full runs compare. Smoke (tests) has its own, tiny one.
JUDGE = {"smoke": "smoke", "quick": "quick", "full": "quick"}
# A cached `full` run (made on a GPU) beats a fresh `quick` one.
PREFERRED = {
    "quick": ("full", "quick"),
    "full": ("full",),
    "smoke": ("smoke",),
}


@dataclass
class Pipeline:
    settings: Settings
    # the latest of each name only: a long `mkdocs serve` edits often
    _runs: dict = field(default_factory=dict)  # name -> (key, Run, record)
    _figures: dict = field(default_factory=dict)  # name -> (key, result)
    _failed: dict = field(default_factory=dict)  # run -> its training error

    def __post_init__(self):
        self.cache = cache_mod.Cache(
            self.settings.cache_dir,
            setting="GEN_CACHE_DIR or extra.gen_src.cache_dir",
        )
        self.keys = keys_mod.Keys(self.cache)

    # -- keys ------------------------------------------------------------
    def run_key(self, name: str, profile: str) -> str:
        def judge() -> str:  # asked for only by runs scored on images
            return self.run_key(registry.CLASSIFIER_RUN, JUDGE[profile])

        if name == registry.CLASSIFIER_RUN:
            return self.keys.run_key(name, profile, None)
        key = self.keys.run_key(name, profile, judge)
        upstream = registry.runs()[name].upstream
        if upstream:  # a new upstream run is a new run of this one
            key = cache_mod.digest(key, self.located_key(upstream))
        return key

    def located_key(self, name: str) -> str:
        """The key of the entry that this build uses for the run."""
        profile, key = self._locate_run(name)
        return f"{profile}:{key}"

    def run_entry(self, name: str) -> Path:
        """The cache folder of the run this build uses (made or not)."""
        profile, key = self._locate_run(name)
        return self.cache.run_dir(name, profile, key)

    def figure_key(self, name: str) -> str:
        spec = registry.figure(name)
        return self.keys.figure_key(
            name, [self.located_key(run) for run in spec.runs]
        )

    def config(self, name: str, profile: str) -> dict:
        """The config of run name under profile, as a dict (no torch
        import when it was computed before)."""
        return self.keys.config(name, profile)

    def _locate_run(self, name: str) -> tuple[str, str]:
        """(profile, key) of the preferred cached entry, or of a new one."""
        profiles = PREFERRED[self.settings.profile]
        if name == registry.CLASSIFIER_RUN:
            profiles = (JUDGE[self.settings.profile],)
        for profile in profiles:
            key = self.run_key(name, profile)
            if (
                self.cache.run_dir(name, profile, key) / "record.json"
            ).is_file():
                return profile, key
        return profiles[-1], self.run_key(name, profiles[-1])

    # -- runs ------------------------------------------------------------
    def run(self, name: str):
        """The trained Run for name (from memory, the cache, or training)."""
        profile, key = self._locate_run(name)
        known = self._runs.get(name)
        if known is not None and known[0] == key:
            return known[1:]
        if name in self._failed:  # trained side by side, and failed
            raise self._failed.pop(name)
        entry = self.cache.run_dir(name, profile, key)
        loaded = self.cache.entry(
            entry,
            lambda e: self._load_run(name, profile, e),
            lambda e: self._train_run(name, profile, key, e),
            f"training {name}",
            damage=(Exception,),  # whatever safetensors or a record raise
        )
        self._runs[name] = (key, *loaded)
        return loaded

    def record(self, name: str) -> dict:
        """The record of the run this build uses (no weights loaded)."""
        profile, key = self._locate_run(name)
        known = self._runs.get(name)
        if known is not None and known[0] == key:
            return known[2]
        path = self.cache.run_dir(name, profile, key) / "record.json"
        try:
            record = cache_mod.read_record(path, cache_mod.RUN_RECORD)
        except (OSError, ValueError):  # missing or damaged: run() says so
            return self.run(name)[1]
        if record["run"] == name and record["profile"] == profile:
            return record
        return self.run(name)[1]

    def _load_run(self, name, profile, entry: Path):
        from . import serialize

        family = keys_mod.family(name)
        return serialize.load_run(entry, family, name, profile)

    def _train_run(self, name, profile, key, entry: Path):
        from . import serialize

        module = keys_mod.family(name)
        config = module.RUNS[name](profile)
        log.info("training %s (%s profile) ...", name, profile)
        spec = registry.runs()[name]
        upstream = (
            {"upstream": self.run(spec.upstream)[0]} if spec.upstream else {}
        )
        run = module.train(config, device=self.settings.device, **upstream)
        on_images = keys_mod.reads_images(cfg.as_dict(config))
        if spec.scored:
            judge = self.run(registry.CLASSIFIER_RUN)[0] if on_images else None
            run.metrics.update(module.score(run, judge))
        record = {
            "run": name,
            "profile": profile,
            "key": key,
            "config": cfg.as_dict(config),
            "family": spec.module,
            "metrics": run.metrics,
            "seconds": round(run.seconds, 2),
            "device": run.device,
            "torch": keys_mod.torch_version(),
            "dataset_fingerprint": dataset_files.fingerprint(config.dataset)
            if on_images
            else None,
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
        }
        self.cache.write_entry(
            entry, lambda tmp: serialize.save_run(tmp, run, record)
        )
        log.info("trained %s in %.1f s on %s", name, run.seconds, run.device)
        return run, record

    # -- figures ---------------------------------------------------------
    def figure(self, name: str, page: str | None = None) -> FigureResult:
        """The figure in every language (gen_src.builder.drawing)."""
        spec = registry.figure(name, page)
        key = self.figure_key(name)
        known = self._figures.get(name)
        if known is not None and known[0] == key:  # drawn in this process
            return dataclasses.replace(known[1], trained=False)
        result = drawing.figure(self, spec, key)
        self._figures[name] = (key, result)
        return result

    def build(self, names: list[str] | None = None) -> dict[str, object]:
        """Every figure (or the named ones): a result or the exception.

        The runs they need that are not cached are trained first, side by
        side (gen_src.builder.workers); a run that failed fails the figures
        that need it, with its error.
        """
        names = names or sorted(registry.figures())
        out: dict[str, object] = {}
        try:
            self.train_missing(names)
        except KeyboardInterrupt:
            raise
        except Exception as err:  # e.g. a key that cannot be made
            log.debug(
                "training side by side failed (%s): each figure says", err
            )
        for name in names:
            try:
                out[name] = self.figure(name)
            except KeyboardInterrupt:
                raise
            except Exception as err:  # reported per figure by the caller
                out[name] = err
        return out

    def train_missing(self, figures: list[str]) -> None:
        """Train, side by side, the runs these figures need that this
        cache lacks (gen_src.builder.workers)."""
        lacking = workers.missing(self, figures)
        if lacking:
            self._failed = train_side_by_side(self.settings, lacking)

    def cached(self, name: str) -> bool:
        """Is the entry this build would use for the run in the cache?"""
        profile, key = self._locate_run(name)
        return (
            self.cache.run_dir(name, profile, key) / "record.json"
        ).is_file()


def _train_one(settings: Settings, name: str) -> str:
    """In a worker: train one run into the cache."""
    Pipeline(settings).run(name)
    return name


def train_side_by_side(settings: Settings, names: list[str]) -> dict:
    """Train runs missing from the cache in workers (workers.py); the runs
    that failed, with their errors."""
    return workers.train(
        functools.partial(_train_one, settings), names, device=settings.device
    )


# -- for notebooks and scripts ----------------------------------------------
def default_pipeline() -> Pipeline:
    """The pipeline for this environment's settings (GEN_PROFILE, ...)."""
    return _pipeline_for(Settings.resolve())


@functools.cache
def _pipeline_for(settings: Settings) -> Pipeline:
    return Pipeline(settings)


def trained(name: str):
    """(Run, record) for a registered run, e.g. trained("vae").

    Loaded from the cache when this code was trained before (the build
    executes notebooks this way, so they show the runs the figures were
    drawn from); trained now otherwise, e.g. on Colab.
    """
    return default_pipeline().run(name)


def draw(name: str):
    """The site's figure `name` as a matplotlib Figure, from trained runs.

    Shown once in a notebook: it is closed in pyplot, which would show it
    a second time at the end of the cell.
    """
    import sys

    import matplotlib.pyplot as plt

    spec = registry.figure(name)
    _, draw_fn = drawing.plots(spec).FIGURES[name]
    runs = [trained(run)[0] for run in spec.runs]
    sys.stdout.flush()  # what the cell printed comes first, every time
    # mathtext looks for fallback fonts (STIX) that Debian lacks: found
    # once, quietly, here; matplotlib caches the answer for the display
    fonts = logging.getLogger("matplotlib.font_manager")
    level = fonts.level
    fonts.setLevel(logging.ERROR)
    try:
        fig = draw_fn(*runs)
        fig.canvas.draw()
    finally:
        fonts.setLevel(level)
    plt.close(fig)
    return fig
