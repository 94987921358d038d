"""Seeds, devices, profiles and config checks shared by every model family.

Taught on the page "Training loop" of the site; every snippet starts here.
torch is imported inside the functions that use it, so the profile and
config checks stay cheap for the site build, which imports this module.
"""

from __future__ import annotations

import os
import random
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import torch

Profile = Literal["smoke", "quick", "full"]
PROFILES: tuple[str, ...] = ("smoke", "quick", "full")
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")
DEFAULT_SEED = 0


def set_seed(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, torch (CPU and CUDA) so a run can be repeated."""
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    # Benchmark mode picks kernels by timing them, which breaks repeatability.
    torch.backends.cudnn.benchmark = False


def resolve_device(device: str = "auto") -> torch.device:
    """Turn "auto" into CUDA, then MPS, then CPU; check explicit choices."""
    import torch

    if device not in DEVICES:
        raise ValueError(
            f"device={device!r} is unknown; choose one of {', '.join(DEVICES)}"
        )
    mps = getattr(torch.backends, "mps", None)
    has_mps = bool(mps and mps.is_available())
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if has_mps else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            "device='cuda' was asked for, but this machine has no CUDA GPU "
            "that torch can use; pass device='auto' or device='cpu'"
        )
    if device == "mps" and not has_mps:
        raise ValueError(
            "device='mps' was asked for, but Apple's MPS backend is not "
            "available here; pass device='auto' or device='cpu'"
        )
    return torch.device(device)


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
    if profile not in PROFILES:
        raise ValueError(
            f"{setting}={profile!r} is unknown; choose one of "
            f"{', '.join(PROFILES)}"
        )
    return profile


def check_int(name: str, value: int, low: int, high: int | None = None):
    """Raise ValueError naming the field when value is out of range."""
    ok = isinstance(value, int) and not isinstance(value, bool)
    ok = ok and value >= low and (high is None or value <= high)
    if not ok:
        upper = "" if high is None else f" and at most {high}"
        raise ValueError(
            f"{name}={value!r} is out of range: it must be an integer "
            f"of at least {low}{upper}"
        )


def check_float(name: str, value: float, low: float, high: float | None = None,
                low_open: bool = False):
    """Raise ValueError naming the field when value is out of range."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok:
        ok = value > low if low_open else value >= low
        ok = ok and (high is None or value <= high)
    if not ok:
        bound = f"greater than {low}" if low_open else f"at least {low}"
        upper = "" if high is None else f" and at most {high}"
        raise ValueError(
            f"{name}={value!r} is out of range: it must be a number "
            f"{bound}{upper}"
        )


def check_choice(name: str, value: str, choices: tuple[str, ...]):
    if value not in choices:
        raise ValueError(
            f"{name}={value!r} is unknown; choose one of {', '.join(choices)}"
        )
