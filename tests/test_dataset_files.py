"""gen_src.dataset_files: finding and checking the image files (and the
errors that name them)."""

from __future__ import annotations

import gzip
import struct

import pytest

from gen_src import data, dataset_files, runtime

_original_download = dataset_files._download


def _idx(dims: tuple[int, ...], fill: int = 0) -> bytes:
    header = bytes([0, 0, dataset_files.IDX_UBYTE, len(dims)])
    header += b"".join(struct.pack(">I", d) for d in dims)
    size = 1
    for d in dims:
        size *= d
    return header + bytes([fill]) * size


def _write_set(folder, n_train=6, n_test=4, truncate=None, gz=False):
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "train-images-idx3-ubyte": _idx((n_train, 28, 28), 255),
        "train-labels-idx1-ubyte": _idx((n_train,), 1),
        "t10k-images-idx3-ubyte": _idx((n_test, 28, 28), 0),
        "t10k-labels-idx1-ubyte": _idx((n_test,), 2),
    }
    for name, content in files.items():
        if name == truncate:
            content = content[:-100]
        path = folder / (name + ".gz" if gz else name)
        path.write_bytes(gzip.compress(content) if gz else content)
    return folder


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """No dataset anywhere and no network: GEN_DATA_DIR, ./data and the
    Debian folder all point into empty temporary folders."""
    monkeypatch.setenv("GEN_DATA_DIR", str(tmp_path / "env"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(runtime, "home", lambda: work)
    monkeypatch.setattr(dataset_files, "DEBIAN_DIR", tmp_path / "debian")
    monkeypatch.setattr(dataset_files, "_download", lambda name, root: False)
    monkeypatch.setattr(dataset_files, "_download_failed", set())
    return tmp_path


def test_missing_dataset_names_every_searched_place(nowhere):
    with pytest.raises(dataset_files.DatasetError) as err:
        dataset_files.prepare("fashion-mnist")
    text = str(err.value)
    for place in (
        nowhere / "env",
        nowhere / "work" / "data",
        nowhere / "debian",
    ):
        assert str(place) in text
    assert "apt-get install dataset-fashion-mnist" in text
    assert "GEN_DATA_DIR" in text
    assert "train-images-idx3-ubyte" in text


def test_missing_mnist_does_not_look_in_the_fashion_folder(nowhere):
    with pytest.raises(dataset_files.DatasetError) as err:
        dataset_files.prepare("mnist")
    assert str(nowhere / "debian") not in str(err.value)
    assert "apt-get" not in str(err.value)


def test_unknown_dataset_and_split():
    with pytest.raises(ValueError, match="dataset='cifar'"):
        dataset_files.prepare("cifar")
    with pytest.raises(ValueError, match="split='val'"):
        data.load("fashion-mnist", "val")


def test_truncated_file_error_names_the_file(nowhere):
    raw = nowhere / "env" / "FashionMNIST" / "raw"
    _write_set(raw, truncate="t10k-images-idx3-ubyte")
    with pytest.raises(dataset_files.DatasetError, match="truncated") as err:
        dataset_files.prepare("fashion-mnist")
    assert str(raw / "t10k-images-idx3-ubyte") in str(err.value)


def test_truncated_gzip_in_debian_folder_names_the_file(nowhere):
    debian = _write_set(
        nowhere / "debian", gz=True, truncate="train-labels-idx1-ubyte"
    )
    with pytest.raises(dataset_files.DatasetError) as err:
        dataset_files.prepare("fashion-mnist")
    assert str(debian / "train-labels-idx1-ubyte.gz") in str(err.value)


def test_unreadable_gzip_is_named(nowhere):
    debian = _write_set(nowhere / "debian", gz=True)
    (debian / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(
        dataset_files.DatasetError, match="cannot be read"
    ) as err:
        dataset_files.prepare("fashion-mnist")
    assert str(debian / "t10k-labels-idx1-ubyte.gz") in str(err.value)


class _FakeTorchvisionSet:
    """Stands in for torchvision's FashionMNIST: writes nothing, or fails
    like a machine without network."""

    fail = False
    calls: list = []

    def __init__(self, root, train, download):
        type(self).calls.append((root, train, download))
        if type(self).fail:
            raise RuntimeError("no network")


def test_download_is_tried_last(nowhere, monkeypatch):
    import torchvision.datasets

    monkeypatch.setattr(dataset_files, "_download", _original_download)
    monkeypatch.setattr(
        torchvision.datasets, "FashionMNIST", _FakeTorchvisionSet
    )
    _FakeTorchvisionSet.calls = []
    _FakeTorchvisionSet.fail = False
    assert dataset_files.prepare("fashion-mnist") == nowhere / "env"
    assert _FakeTorchvisionSet.calls == [
        (str(nowhere / "env"), True, True),
        (str(nowhere / "env"), False, True),
    ]
    _FakeTorchvisionSet.fail = True
    with pytest.raises(dataset_files.DatasetError, match="was not found"):
        dataset_files.prepare("fashion-mnist")
    with pytest.raises(dataset_files.DatasetError):
        dataset_files.prepare("fashion-mnist", download=False)


def test_mnist_files_are_not_taken_for_fashion_mnist(nowhere):
    _write_set(nowhere / "work" / "data" / "MNIST" / "raw")
    with pytest.raises(dataset_files.DatasetError):
        dataset_files.prepare("fashion-mnist")


def test_ensure_dataset_prints_where(nowhere, capsys):
    _write_set(nowhere / "debian", gz=True)
    assert dataset_files.ensure_dataset() == nowhere / "env"
    assert (
        str(nowhere / "env" / "FashionMNIST" / "raw")
        in capsys.readouterr().out
    )


def test_not_an_idx_file_is_named(tmp_path):
    path = tmp_path / "x"
    with pytest.raises(dataset_files.DatasetError, match="not an IDX file"):
        dataset_files.check_idx(path, b"hello world")


def test_local_gzipped_copy_is_prepared_for_torchvision(nowhere):
    _write_set(nowhere / "debian", gz=True)
    root = dataset_files.prepare("fashion-mnist")
    assert root == nowhere / "env"
    raw = root / "FashionMNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(
        dataset_files.RAW_FILES
    )
    assert (
        dataset_files.prepare("fashion-mnist") == root
    )  # already there: kept
    fp = dataset_files.fingerprint()
    assert len(fp) == 16 and fp == dataset_files.fingerprint()
