"""Cache keys: everything that can change a run, a config or a figure.

A run's key covers its name and profile, the torch version and the source
of every gen_src module its family imports; for a run that reads images,
also the dataset's fingerprint and the key of the judge that scores it.
2-D toy runs do not depend on the dataset, so they build without it.

Keys are computed from files alone. A run's config is needed to know
whether it reads images; it is computed once per source key (importing
the family, and torch) and cached on disk, so a warm build imports
nothing.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import os
from pathlib import Path

from .. import config as cfg
from .. import dataset_files
from .. import family as family_contract
from . import cache as cache_mod
from . import fresh_modules, registry


@functools.lru_cache(maxsize=1)
def torch_version() -> str:
    return importlib.metadata.version("torch")  # slow: once per process


def family(run_name: str):
    """The family module that trains run_name, checked against the
    contract (gen_src/family.py) when it is imported."""
    spec = registry.runs()[run_name]
    module = fresh_modules.current(spec.module)
    family_contract.check_family(module)
    return module


def reads_images(config: dict) -> bool:
    return config.get("dataset") in dataset_files.DATASETS


class Keys:
    """Keys for one cache. Memos hold the latest state of each name only,
    so a long `mkdocs serve` does not grow them with every edit."""

    def __init__(self, cache: cache_mod.Cache):
        self.cache = cache
        # (name, profile) -> (generation, stamps, key)
        self._sources: dict[tuple[str, str], tuple[int, tuple, str]] = {}
        self._configs: dict[tuple[str, str], tuple[str, dict]] = {}
        self._runs: dict[tuple, tuple[int, str]] = {}

    def source_key(self, name: str, profile: str) -> str:
        """The key of the run's code: name, profile, torch, sources.
        Looked at once per generation of the registry (once per build)."""
        generation = registry.generation()
        known = self._sources.get((name, profile))
        if known is not None and known[0] == generation:
            return known[2]
        spec = registry.runs()[name]
        closure = registry.source_closure(spec.module)
        stamps = tuple(registry.stamp(p) for p in closure)
        if known is not None and known[1] == stamps:
            key = known[2]
        else:
            key = cache_mod.digest(
                name,
                profile,
                torch_version(),
                *(p.read_bytes() for p in closure),
            )
        self._sources[name, profile] = (generation, stamps, key)
        return key

    def config(self, name: str, profile: str) -> dict:
        """The run's config as a dict (as JSON gives it back)."""
        key = self.source_key(name, profile)
        known = self._configs.get((name, profile))
        if known is not None and known[0] == key:
            return known[1]
        path = self.cache.root / "configs" / f"{name}-{profile}-{key}.json"
        try:
            config = cache_mod.read_json(path)
            if not isinstance(config, dict):
                raise ValueError("not a config")
        except (OSError, ValueError):
            made = family(name).RUNS[name](profile)
            config = _write_json(path, cfg.as_dict(made))
        self._configs[name, profile] = (key, config)
        return config

    def run_key(self, name: str, profile: str, judge=None) -> str:
        """judge(): the key of the classifier run that scores images,
        asked for only when this run reads images and is scored."""
        known = self._runs.get((name, profile))
        if known is not None and known[0] == registry.generation():
            return known[1]
        parts = [self.source_key(name, profile)]
        config = self.config(name, profile)
        if reads_images(config):
            parts.append(dataset_files.fingerprint(config["dataset"]))
            if registry.runs()[name].scored and judge is not None:
                parts.append(judge())
        key = cache_mod.digest(*parts)
        self._runs[name, profile] = (registry.generation(), key)
        return key

    def figure_key(self, name: str, run_keys: list[str]) -> str:
        spec = registry.figure(name)
        sources = registry.source_closure(spec.module)
        return cache_mod.digest(
            name, *(p.read_bytes() for p in sources), *run_keys
        )


def _write_json(path: Path, value: dict) -> dict:
    """Write atomically; return the value as it reads back (lists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    cache_mod.write_json(tmp, value)
    value = cache_mod.read_json(tmp)
    os.replace(tmp, path)
    return value
