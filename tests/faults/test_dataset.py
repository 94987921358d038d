"""Without the dataset, the toy figures still build and the image figures
fail once, in one line that names the fix; that fix works as written; and
only the raw files the fingerprint covers are ever loaded."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import torch

from gen_src import data, dataset_files, runtime
from gen_src.builder import pipeline


@pytest.fixture
def no_dataset(tmp_path, monkeypatch):
    """No copy anywhere and no network."""
    monkeypatch.setenv("GEN_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setattr(dataset_files, "DEBIAN_DIR", tmp_path / "no-debian")
    monkeypatch.setattr(runtime, "home", lambda: tmp_path)
    monkeypatch.setattr(dataset_files, "_download", lambda name, root: False)
    monkeypatch.setattr(dataset_files, "_download_failed", set())


def test_toy_figures_build_without_the_dataset(no_dataset, tmp_path):
    from gen_src.website import report

    pipe = pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=tmp_path / "cache")
    )
    results = pipe.build(["gan_ring_training", "vae_samples", "dcgan_samples"])
    assert not isinstance(results["gan_ring_training"], Exception)
    failed = {n: r for n, r in results.items() if isinstance(r, Exception)}
    assert set(failed) == {"vae_samples", "dcgan_samples"}
    (line,) = report.grouped(failed)  # one cause, one line
    assert line.startswith("figures vae_samples, dcgan_samples: DatasetError")
    assert "\n" not in line and "make data" in line and "GEN_DATA_DIR" in line


def test_a_stale_processed_file_is_never_loaded(tmp_path, monkeypatch):
    """torchvision's loader prefers processed/training.pt over the raw
    files; a stale one trained 7 dummy images under the real key."""
    copy = tmp_path / "FashionMNIST"
    shutil.copytree(
        dataset_files.prepared_root() / "FashionMNIST" / "raw", copy / "raw"
    )
    (copy / "processed").mkdir()
    torch.save(
        (torch.zeros(7, 28, 28, dtype=torch.uint8), torch.zeros(7)),
        copy / "processed" / "training.pt",
    )
    monkeypatch.setenv("GEN_DATA_DIR", str(tmp_path))
    train = data.load("fashion-mnist", "train")
    assert len(train) == 60_000 and train.images.max() > 0


def test_make_data_repairs_a_deleted_file_as_the_message_says(tmp_path, tools):
    """'Delete it and run `make data` again': the fix works as written."""
    target = tmp_path / "prepared"
    env = {**tools.environment(tools.ROOT), "GEN_DATA_DIR": str(target)}
    env.pop("PYTHONPATH")  # the checkout itself, as a user runs it
    for attempt in ("fresh", "after deleting a file"):
        print(attempt)
        proc = subprocess.run(
            ["make", "--no-print-directory", "data"],
            cwd=tools.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Fashion-MNIST ready in" in proc.stdout, proc.stdout
        raw = target / "FashionMNIST" / "raw"
        assert sorted(p.name for p in raw.iterdir()) == sorted(
            dataset_files.RAW_FILES
        )
        (raw / "t10k-labels-idx1-ubyte").unlink()


def test_make_data_is_a_real_target(tools):
    proc = subprocess.run(
        ["make", "-n", "data"], cwd=tools.ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0 and "gen_src data" in proc.stdout
    assert "Nothing to be done" not in proc.stdout + proc.stderr


def test_a_truncated_file_is_named_with_a_fix_that_works(tmp_path, tools):
    raw = tmp_path / "FashionMNIST" / "raw"
    shutil.copytree(
        dataset_files.prepared_root() / "FashionMNIST" / "raw", raw
    )
    bad = raw / "t10k-images-idx3-ubyte"
    bad.write_bytes(bad.read_bytes()[:1000])
    env = {**tools.environment(tools.ROOT), "GEN_DATA_DIR": str(tmp_path)}
    env.pop("PYTHONPATH")
    proc = subprocess.run(
        ["make", "--no-print-directory", "data"],
        cwd=tools.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert str(bad) in proc.stderr and "Delete it and run `make data`" in (
        proc.stderr
    )
    bad.unlink()  # the fix, as written
    proc = subprocess.run(
        ["make", "--no-print-directory", "data"],
        cwd=tools.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
