"""The figure pipeline: train (or load) runs, render figures, cache both.

Used by the MkDocs hook and by `python -m gen_src figures`, so figures can
be made without MkDocs. Keys are computed from source files alone; torch is
imported only when something must be trained, loaded or drawn.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import importlib
import importlib.metadata
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache as cache_mod
from . import data, registry, runtime

log = logging.getLogger("gen_src.pipeline")
DEFAULT_CACHE = Path(".cache") / "gen_src"
# A cached `full` run (made on a GPU) beats a fresh `quick` one.
PREFERRED = {"quick": ("full", "quick"), "full": ("full",),
             "smoke": ("smoke",)}


@dataclass(frozen=True)
class Settings:
    profile: str
    device: str = "auto"
    cache_dir: Path = DEFAULT_CACHE

    @classmethod
    def resolve(cls, profile: str | None = None, device: str | None = None,
                cache_dir: str | Path | None = None) -> "Settings":
        """Environment first (GEN_PROFILE, GEN_DEVICE, GEN_CACHE_DIR), then
        the given values (from mkdocs.yml), then the automatic choice."""
        env_profile = os.environ.get("GEN_PROFILE") or None
        env_device = os.environ.get("GEN_DEVICE") or None
        if env_profile:
            profile = runtime.check_profile(env_profile, "GEN_PROFILE")
        elif profile:
            profile = runtime.check_profile(
                profile, "extra.gen_src.profile in mkdocs.yml")
        if env_device:
            device = _check_device(env_device, "GEN_DEVICE")
        elif device:
            device = _check_device(device, "extra.gen_src.device in mkdocs.yml")
        else:
            device = "auto"
        if not profile:
            profile = "full" if _cuda_available() else "quick"
        root = os.environ.get("GEN_CACHE_DIR") or cache_dir or DEFAULT_CACHE
        return cls(profile=profile, device=device, cache_dir=Path(root))


def _check_device(device: str, setting: str) -> str:
    if device not in runtime.DEVICES:
        raise ValueError(f"{setting}={device!r} is unknown; choose one of "
                         f"{', '.join(runtime.DEVICES)}")
    return device


def _cuda_available() -> bool:
    """Is there an NVIDIA GPU? Asked without importing torch when possible."""
    if "torch" in sys.modules:
        return sys.modules["torch"].cuda.is_available()
    if not Path("/proc/driver/nvidia").exists() and not os.environ.get(
            "CUDA_VISIBLE_DEVICES"):
        return False
    import torch

    return torch.cuda.is_available()


@dataclass
class FigureResult:
    name: str
    png: Path
    record: dict
    trained: bool = False  # False when it came from the cache


@dataclass
class Pipeline:
    settings: Settings
    _runs: dict = field(default_factory=dict)  # (name, key) -> (Run, record)
    _figures: dict = field(default_factory=dict)  # (name, key) -> result
    _keys: dict = field(default_factory=dict)  # run key memo
    _configs: dict = field(default_factory=dict)  # (name, profile, key)

    def __post_init__(self):
        self.cache = cache_mod.Cache(
            self.settings.cache_dir,
            setting="GEN_CACHE_DIR or extra.gen_src.cache_dir")

    # -- keys ------------------------------------------------------------
    def run_key(self, name: str, profile: str) -> str:
        spec = registry.runs()[name]
        closure = registry.source_closure(spec.module)
        parts = [name, profile, _torch_version(), data.fingerprint()]
        if spec.scored and name != registry.CLASSIFIER_RUN:
            parts.append(self.run_key(registry.CLASSIFIER_RUN, profile))
        # memo by file stamps: both languages' builds ask for every key
        memo = (*parts, *(registry.stamp(p) for p in closure))
        if memo not in self._keys:
            self._keys[memo] = cache_mod.digest(
                *parts, *(p.read_bytes() for p in closure))
        return self._keys[memo]

    def figure_key(self, name: str) -> str:
        spec = registry.figure(name)
        parts = [name]
        parts += [p.read_bytes() for p in registry.source_closure(spec.module)]
        parts += [self._cached_run_key(run) for run in spec.runs]
        return cache_mod.digest(*parts)

    def _cached_run_key(self, name: str) -> str:
        """The key of the entry that would be used for this run."""
        profile, key = self._locate_run(name)
        return f"{profile}:{key}"

    def _locate_run(self, name: str) -> tuple[str, str]:
        """(profile, key) of the preferred cached entry, or of a new one."""
        for profile in PREFERRED[self.settings.profile]:
            key = self.run_key(name, profile)
            if (self.cache.run_dir(name, profile, key) / "record.json"
                    ).is_file():
                return profile, key
        profile = self.settings.profile
        return profile, self.run_key(name, profile)

    # -- runs ------------------------------------------------------------
    def run(self, name: str):
        """The trained Run for name (from memory, the cache, or training)."""
        profile, key = self._locate_run(name)
        if (name, key) in self._runs:
            return self._runs[name, key]
        entry = self.cache.run_dir(name, profile, key)
        with self.cache.lock():
            loaded = self._load_run(name, profile, entry)
            if loaded is None:
                loaded = self._train_run(name, profile, key, entry)
        self._runs[name, key] = loaded
        return loaded

    def record(self, name: str) -> dict:
        """The record of the run this build uses (no weights loaded)."""
        profile, key = self._locate_run(name)
        if (name, key) in self._runs:
            return self._runs[name, key][1]
        path = self.cache.run_dir(name, profile, key) / "record.json"
        try:
            record = cache_mod.read_json(path)
            if record.get("run") == name and record.get("profile") == profile:
                return record
        except (OSError, ValueError):
            pass
        return self.run(name)[1]

    def config(self, name: str, profile: str) -> dict:
        """The config of run name under profile, as a dict.

        Cached on disk by the run's key: a warm build imports no family
        module (and so no torch) to show a settings table.
        """
        key = self.run_key(name, profile)
        path = self.cache.root / "configs" / f"{name}-{profile}-{key}.json"
        if (name, profile, key) in self._configs:
            return self._configs[name, profile, key]
        try:
            config = cache_mod.read_json(path)
        except (OSError, ValueError):
            config = _config_dict(_family(name).RUNS[name](profile))
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
            cache_mod.write_json(tmp, config)
            config = cache_mod.read_json(tmp)  # lists, as when read back
            os.replace(tmp, path)
        self._configs[name, profile, key] = config
        return config

    def _load_run(self, name, profile, entry: Path):
        if not entry.exists():
            return None
        from . import serialize

        try:
            return serialize.load_run(entry, _family(name), name, profile)
        except Exception as err:  # any damage: retrain, loudly
            log.warning("cache entry %s is corrupt (%s); retraining %s",
                        entry, err, name)
            self.cache.discard(entry)
            return None

    def _train_run(self, name, profile, key, entry: Path):
        from . import serialize

        module = _family(name)
        config = module.RUNS[name](profile)
        log.info("training %s (%s profile) ...", name, profile)
        run = module.train(config, device=self.settings.device)
        spec = registry.runs()[name]
        if spec.scored and _on_images(config):
            judge, _ = self.run(registry.CLASSIFIER_RUN)
            run.metrics.update(module.score(run, judge))
        record = {
            "run": name, "profile": profile, "key": key,
            "config": _config_dict(config),
            "family": spec.module,
            "metrics": run.metrics,
            "seconds": round(run.seconds, 2),
            "device": run.device,
            "torch": _torch_version(),
            "dataset_fingerprint": data.fingerprint(),
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
        }
        self.cache.write_entry(
            entry, lambda tmp: serialize.save_run(tmp, run, record))
        log.info("trained %s in %.1f s on %s", name, run.seconds, run.device)
        return run, record

    # -- figures ---------------------------------------------------------
    def figure(self, name: str, page: str | None = None) -> FigureResult:
        spec = registry.figure(name, page)
        key = self.figure_key(name)
        if (name, key) in self._figures:  # drawn earlier in this process
            return dataclasses.replace(self._figures[name, key],
                                       trained=False)
        entry = self.cache.figure_dir(name, key)
        result = self._load_figure(name, entry)
        if result is None:
            result = self._render(spec, entry)
        self._figures[name, key] = result
        return result

    def _load_figure(self, name: str, entry: Path) -> FigureResult | None:
        png, meta = entry / "figure.png", entry / "record.json"
        if not entry.exists():
            return None
        try:
            record = cache_mod.read_json(meta)
            with open(png, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    raise ValueError("figure.png is not a PNG file")
        except (OSError, ValueError) as err:
            log.warning("cache entry %s is corrupt (%s); redrawing %s",
                        entry, err, name)
            self.cache.discard(entry)
            return None
        return FigureResult(name, png, record)

    def _render(self, spec: registry.FigureSpec, entry: Path) -> FigureResult:
        started = time.perf_counter()
        loaded = [self.run(r) for r in spec.runs]
        import matplotlib

        matplotlib.use("Agg")  # files only: no window, from any thread
        plots = importlib.import_module(f"gen_src.{spec.module}")
        _, draw = plots.FIGURES[spec.name]
        fig = draw(*[run for run, _ in loaded])
        record = {"figure": spec.name, "runs": [rec for _, rec in loaded]}

        def write(tmp: Path) -> None:
            fig.savefig(tmp / "figure.png", dpi=150, bbox_inches="tight")
            cache_mod.write_json(tmp / "record.json", record)

        import matplotlib.pyplot as plt

        try:
            with self.cache.lock():
                self.cache.write_entry(entry, write)
        finally:
            plt.close(fig)
        log.info("drew %s in %.1f s", spec.name,
                 time.perf_counter() - started)
        return FigureResult(spec.name, entry / "figure.png", record, True)

    def build(self, names: list[str] | None = None) -> dict[str, object]:
        """Every figure (or the named ones): a result or the exception."""
        out: dict[str, object] = {}
        for name in names or sorted(registry.figures()):
            try:
                out[name] = self.figure(name)
            except KeyboardInterrupt:
                raise
            except Exception as err:  # reported per figure by the caller
                out[name] = err
        return out


def _family(run_name: str):
    spec = registry.runs()[run_name]
    return importlib.import_module(f"gen_src.{spec.module}")


def _on_images(config) -> bool:
    """Scores use the image classifier: only runs on images get one."""
    return getattr(config, "dataset", "fashion-mnist") in data.DATASETS


def _config_dict(config) -> dict:
    if dataclasses.is_dataclass(config):
        return dataclasses.asdict(config)
    return dict(vars(config))


@functools.lru_cache(maxsize=1)
def _torch_version() -> str:
    return importlib.metadata.version("torch")  # slow: once per process


# -- for notebooks and scripts ----------------------------------------------
_default: dict[Settings, Pipeline] = {}


def default_pipeline() -> Pipeline:
    """The pipeline for this environment's settings (GEN_PROFILE, ...)."""
    settings = Settings.resolve()
    if settings not in _default:
        _default[settings] = Pipeline(settings)
    return _default[settings]


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
    import matplotlib.pyplot as plt

    spec = registry.figure(name)
    plots = importlib.import_module(f"gen_src.{spec.module}")
    _, draw_fn = plots.FIGURES[name]
    fig = draw_fn(*[trained(run)[0] for run in spec.runs])
    plt.close(fig)
    return fig
