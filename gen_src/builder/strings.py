"""The site's interface strings, one table per language (strings/*.toml),
and the languages themselves, read from mkdocs.yml's i18n plugin.

Code never chooses text by language: it asks `table(lang)` for a key. A
language without a table, or a table without a key, falls back to the
default language's.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from .. import data, runtime

FOLDER = Path(__file__).resolve().parent / "strings"
# Metrics a run records for other uses (a figure, a format, a benchmark),
# deliberately not shown under figures. Any other metric without a label
# is shown under its own name, never dropped.
HIDDEN_METRICS = frozenset(
    {
        "num_modes",
        "largest_mode_share",
        "steps",
        "seconds_per_step",
        "test_kl",
        "test_mse_pixel",
        "d_gap_start",
        "d_gap_end",
        "train_codes",
        "frechet_ratio",
        "reconstructed_ratio",
    }
)
# ... and families of them: the importance-weighted bounds of the VAE
# (iwae_k1, iwae_k10, ...), shown on the evaluation page instead.
# and the samplers' quality against their steps (diffusion, flow matching),
# the VAE prior's scores beside the latent flow's, and the guided flow's
# scores at each guidance scale: their figures and pages give them
HIDDEN_PREFIXES = ("iwae_", "sweep_", "prior_", "guidance_")
# ... and the Dirac GAN's per-method numbers, and the other samplers'
# straightness, which their pages state
HIDDEN_SUFFIXES = ("_distance", "_converged", "_straightness")


def hidden(metric: str) -> bool:
    return (
        metric in HIDDEN_METRICS
        or metric.startswith(HIDDEN_PREFIXES)
        or metric.endswith(HIDDEN_SUFFIXES)
    )


@functools.lru_cache(maxsize=1)
def site_config(config_file: Path | None = None) -> dict:
    """mkdocs.yml as data ({} when the package is installed without it)."""
    import yaml

    path = config_file or runtime.home() / "mkdocs.yml"
    if not path.is_file():
        return {}

    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml has !ENV and python tags: read them as nothing
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader) or {}


def languages() -> list[str]:
    """The site's languages, the default first (["en"] without config)."""
    for plugin in site_config().get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            entries = plugin["i18n"].get("languages") or []
            default = [e["locale"] for e in entries if e.get("default")]
            rest = [e["locale"] for e in entries if not e.get("default")]
            return default + rest
    return ["en"]


def default_language() -> str:
    return languages()[0]


def repository() -> str:
    """extra.repository: where the Colab links and set-up cell point."""
    return str((site_config().get("extra") or {}).get("repository") or "")


@functools.lru_cache(maxsize=8)
def _read(lang: str) -> dict:
    path = FOLDER / f"{lang}.toml"
    if not path.is_file():
        return {}
    with open(path, "rb") as f:
        return tomllib.load(f)


def table(lang: str) -> dict:
    """The strings for lang, each section merged over the default's."""
    base, own = _read(default_language()), _read(lang)
    return {
        section: {**values, **own.get(section, {})}
        for section, values in base.items()
    }


def shown_metrics() -> list[str]:
    """The metrics that have a label, in the default table's order."""
    return list(_read(default_language()).get("metrics", {}))


def figure_words(lang: str) -> dict[str, str]:
    """What the figures' tr() gives in lang, English text -> lang's: the
    [figures] table, and the dataset's class names -> [widgets] classes
    (the one list of them the site translates)."""
    t = table(lang)
    words = dict(zip(data.FASHION_CLASSES, t["widgets"]["classes"]))
    words.update(t["figures"])
    return words
