"""The build's settings: profile, device and cache folder.

From the environment first (GEN_PROFILE, GEN_DEVICE, GEN_CACHE_DIR), then
mkdocs.yml (extra.gen_src), then the automatic choice: `full` on an
NVIDIA GPU, `quick` on a CPU.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import runtime


def default_cache() -> Path:
    """.cache/gen_src in the repository (or the current folder when the
    package is installed), whichever folder a command runs from."""
    return runtime.home() / ".cache" / "gen_src"


def workers_setting() -> int | None:
    """GEN_WORKERS, runs side by side (None: one per core), checked."""
    raw = os.environ.get("GEN_WORKERS", "").strip()
    if raw and not (raw.isdigit() and int(raw) >= 1):
        raise ValueError(
            f"GEN_WORKERS={raw!r} is out of range: give a whole number of "
            f"at least 1 (runs side by side), or unset it for one per core "
            f"({os.cpu_count() or 1})"
        )
    return int(raw) if raw else None


def cache_root(cache_dir: str | Path | None = None) -> Path:
    """The cache folder: GEN_CACHE_DIR as the user typed it, else
    cache_dir (mkdocs.yml's, beside it), else default_cache()."""
    if os.environ.get("GEN_CACHE_DIR"):
        return Path(os.environ["GEN_CACHE_DIR"]).resolve()
    if cache_dir:
        return runtime.home() / cache_dir
    return default_cache()


@dataclass(frozen=True)
class Settings:
    profile: str
    device: str = "auto"
    cache_dir: Path = Path(".cache") / "gen_src"

    @classmethod
    def resolve(
        cls,
        profile: str | None = None,
        device: str | None = None,
        cache_dir: str | Path | None = None,
        origin: str = "mkdocs",
    ) -> "Settings":
        """Environment first (GEN_PROFILE, GEN_DEVICE, GEN_CACHE_DIR), then
        the given values, then the automatic choice. origin says where the
        given values come from ("mkdocs": mkdocs.yml; "cli": options), so
        an error names the setting the user typed."""
        names = {
            "mkdocs": (
                "extra.gen_src.profile in mkdocs.yml",
                "extra.gen_src.device in mkdocs.yml",
            ),
            "cli": ("--profile", "--device"),
        }[origin]
        env_profile = os.environ.get("GEN_PROFILE") or None
        env_device = os.environ.get("GEN_DEVICE") or None
        if env_profile:
            profile = runtime.check_profile(env_profile, "GEN_PROFILE")
        elif profile:
            profile = runtime.check_profile(profile, names[0])
        if env_device:
            device = runtime.check_device(env_device, "GEN_DEVICE")
        elif device:
            device = runtime.check_device(device, names[1])
        else:
            device = "auto"
        if not profile:
            profile = "full" if _cuda_available() else "quick"
        workers_setting()  # a bad GEN_WORKERS stops here, not training
        return cls(
            profile=profile, device=device, cache_dir=cache_root(cache_dir)
        )


def _cuda_available() -> bool:
    """Is there an NVIDIA GPU? Asked without importing torch when possible."""
    if "torch" in sys.modules:
        return sys.modules["torch"].cuda.is_available()
    if not Path("/proc/driver/nvidia").exists() and not os.environ.get(
        "CUDA_VISIBLE_DEVICES"
    ):
        return False
    import torch

    return torch.cuda.is_available()
