"""Seeds, devices, profiles and folders shared by every model family.

Every snippet starts here. torch is imported inside the functions that
use it, so the profile checks stay cheap for the site build, which
imports this module.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .config import check_choice

if TYPE_CHECKING:
    import torch

Profile = Literal["smoke", "quick", "full"]
PROFILES: tuple[str, ...] = ("smoke", "quick", "full")
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")
DEFAULT_SEED = 0
PACKAGE = Path(__file__).resolve().parent  # gen_src/
# the folder above the package: the repository in a checkout (docs/,
# snippets/, node_modules/ are there; see home() for an installed package)
REPOSITORY = PACKAGE.parent


def set_seed(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, torch (CPU and CUDA) so a run can be repeated."""
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    # Benchmark mode picks kernels by timing them, which breaks repeatability.
    torch.backends.cudnn.benchmark = False


def check_device(device: str, setting: str = "device") -> str:
    """A known device that this machine has, or a ValueError that names
    the setting (device=, GEN_DEVICE, ...). torch is imported for cuda
    and mps only."""
    if device not in DEVICES:
        raise ValueError(
            f"{setting}={device!r} is unknown; choose one of "
            f"{', '.join(DEVICES)}"
        )
    if device in ("cuda", "mps") and not _has(device):
        kind = "CUDA GPU" if device == "cuda" else "Apple MPS device"
        raise ValueError(
            f"{setting}={device!r}, but this machine has no {kind} that "
            f"torch can use; set {setting} to auto (or cpu)"
        )
    return device


def _has(device: str) -> bool:
    import torch

    if device == "cuda":
        return torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def resolve_device(device: str = "auto") -> torch.device:
    """Turn "auto" into CUDA, then MPS, then CPU; check explicit choices."""
    import torch

    if check_device(device) != "auto":
        return torch.device(device)
    if _has("cuda"):
        return torch.device("cuda")
    return torch.device("mps" if _has("mps") else "cpu")


def start(seed: int, device: str = "auto") -> torch.device:
    """The first lines of every train(): seed everything, pick the device."""
    set_seed(seed)
    return resolve_device(device)


def device_name(device: torch.device) -> str:
    """A human name for the provenance line, e.g. 'NVIDIA H100' or 'CPU'."""
    import torch

    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple MPS"
    return f"CPU ({torch.get_num_threads()} threads)"


def default_profile() -> str:
    """GEN_PROFILE if set, else "full" on a GPU and "quick" on a CPU."""
    profile = os.environ.get("GEN_PROFILE", "").strip()
    if profile:
        return check_profile(profile, setting="GEN_PROFILE")
    return "full" if resolve_device("auto").type == "cuda" else "quick"


def check_profile(profile: str, setting: str = "profile") -> str:
    check_choice(setting, profile, PROFILES)
    return profile


@functools.lru_cache(maxsize=1)
def home() -> Path:
    """The repository in a checkout, else the current folder (an
    installed package, as on Colab): data/ and .cache/ live here, so every
    command finds the same ones from whichever folder it runs."""
    if (REPOSITORY / "mkdocs.yml").is_file():
        return REPOSITORY
    return Path.cwd()


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """torch on n threads inside. Small linear algebra (a 128x128
    eigendecomposition) takes 1.5 ms on one thread and up to a second on
    two when another process competes for the CPU."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
