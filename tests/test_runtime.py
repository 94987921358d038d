"""gen_src.runtime: seeds, devices, profiles, the home folder, threads."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from gen_src import runtime


def test_set_seed_repeats_torch_draws():
    runtime.set_seed(3)
    a = torch.randn(5)
    runtime.set_seed(3)
    assert torch.equal(a, torch.randn(5))
    assert torch.backends.cudnn.benchmark is False


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_resolve_device_cuda_without_cuda_says_so():
    with pytest.raises(ValueError, match="no CUDA GPU"):
        runtime.resolve_device("cuda")


def test_resolve_device_choices():
    assert runtime.resolve_device("cpu").type == "cpu"
    assert runtime.resolve_device("auto").type in ("cpu", "cuda", "mps")
    with pytest.raises(ValueError, match="device='tpu' is unknown.*cuda"):
        runtime.resolve_device("tpu")
    assert runtime.device_name(torch.device("cpu")).startswith("CPU (")


def test_resolve_device_mps_without_mps_says_so(monkeypatch):
    mps = getattr(torch.backends, "mps", None)
    if mps is not None:
        monkeypatch.setattr(mps, "is_available", lambda: False)
    with pytest.raises(ValueError, match="MPS"):
        runtime.resolve_device("mps")


def test_auto_prefers_cuda_and_names_devices(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(
        torch.cuda, "get_device_name", lambda device=None: "Fake GPU"
    )
    assert runtime.resolve_device("auto").type == "cuda"
    assert runtime.device_name(torch.device("cuda")) == "Fake GPU"
    assert runtime.device_name(torch.device("mps")) == "Apple MPS"


def test_default_profile_reads_gen_profile(monkeypatch):
    monkeypatch.setenv("GEN_PROFILE", "full")
    assert runtime.default_profile() == "full"
    monkeypatch.setenv("GEN_PROFILE", "fast")
    with pytest.raises(ValueError, match="GEN_PROFILE='fast'.*smoke"):
        runtime.default_profile()
    monkeypatch.delenv("GEN_PROFILE")
    expected = "full" if torch.cuda.is_available() else "quick"
    assert runtime.default_profile() == expected


def test_home_is_the_repository_in_a_checkout():
    root = Path(__file__).resolve().parent.parent
    assert runtime.home() == root


def test_threads_sets_and_restores_the_thread_count():
    before = torch.get_num_threads()
    with runtime.threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
