"""Tests of the shared machinery: train.fit, runtime, data and snippet."""

from __future__ import annotations

import gzip
import io
import struct

import pytest
import torch

from gen_src import data, runtime, snippet, train, vae

_original_download = data._download


# -- train.fit ------------------------------------------------------------

def _counting_step(calls):
    def step(x):
        calls.append(x.clone())
        return {"loss": float(x.sum()), "twice": 2 * float(x.sum())}
    return step


def test_fit_records_losses_and_calls_callbacks_on_schedule():
    xs = torch.arange(12.0).view(12, 1)
    batches = data.Batches(xs, batch_size=4,
                           generator=torch.Generator().manual_seed(0))
    calls, every_2, epochs = [], [], []
    state = train.fit(
        _counting_step(calls), batches, num_epochs=3,
        on_step=[(2, lambda s: every_2.append(s.step))],
        on_epoch=[lambda s: epochs.append((s.epoch, s.step))],
    )
    assert state.total_steps == 9 and state.step == 9 and state.epoch == 3
    assert len(calls) == 9
    assert every_2 == [2, 4, 6, 8]
    assert epochs == [(1, 3), (2, 6), (3, 9)]
    assert state.history["twice"] == [2 * v for v in state.history["loss"]]
    # every epoch sees every example once, in a fresh order
    first = torch.cat(calls[:3]).view(-1).sort().values
    assert torch.equal(first, xs.view(-1))
    assert not torch.equal(torch.cat(calls[:3]), torch.cat(calls[3:6]))
    assert state.last("loss") == state.history["loss"][-1]
    assert state.seconds >= 0


def test_fit_caps_steps_per_epoch_and_unpacks_tuples():
    x, y = torch.zeros(20, 2), torch.ones(20)
    seen = []

    def step(a, b):
        seen.append((a.shape, b.shape))
        return {"loss": 0.0}

    state = train.fit(step, data.Batches(x, y, batch_size=5), num_epochs=2,
                      steps_per_epoch=2)
    assert state.total_steps == 4 and len(seen) == 4
    assert seen[0] == (torch.Size([5, 2]), torch.Size([5]))


def test_fit_progress_prints_step_losses_and_eta():
    stream = io.StringIO()
    batches = data.Batches(torch.ones(8, 1), batch_size=2)
    train.fit(lambda x: {"loss": 0.5}, batches, num_epochs=2,
              progress=train.Progress(every=3, label="demo", stream=stream))
    lines = stream.getvalue().splitlines()
    # every 3 steps, plus the last one
    assert [line.split()[2] for line in lines] == ["3/8", "6/8", "8/8"]
    assert all(line.startswith("[demo] step") for line in lines)
    assert "loss=0.5000" in lines[0] and "ETA" in lines[0]
    assert "epoch 2" in lines[-1]


def test_fit_stops_on_a_non_finite_loss():
    batches = data.Batches(torch.ones(4, 1), batch_size=1)
    values = iter([1.0, float("nan")])
    with pytest.raises(FloatingPointError, match="'loss'.*step 2"):
        train.fit(lambda x: {"loss": next(values)}, batches)


@pytest.mark.parametrize("kwargs, field", [
    (dict(num_epochs=0), "num_epochs"),
    (dict(num_epochs=-1), "num_epochs"),
    (dict(steps_per_epoch=0), "steps_per_epoch"),
])
def test_fit_rejects_bad_counts(kwargs, field):
    with pytest.raises(ValueError, match=field):
        train.fit(lambda x: {}, [torch.ones(1)], **kwargs)


def test_same_seed_gives_bit_identical_losses_on_cpu():
    config = vae.config_for("smoke", train_size=512, test_size=256)
    first = vae.train(config, device="cpu", progress=False)
    second = vae.train(config, device="cpu", progress=False)
    assert first.history == second.history  # exact float equality
    for key, value in first.models["vae"].state_dict().items():
        assert torch.equal(value, second.models["vae"].state_dict()[key])
    other = vae.train(vae.config_for("smoke", train_size=512, test_size=256,
                                     seed=1), device="cpu", progress=False)
    assert other.history["loss"] != first.history["loss"]


# -- runtime --------------------------------------------------------------

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
    monkeypatch.setattr(torch.cuda, "get_device_name",
                        lambda device=None: "Fake GPU")
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


def test_checks_name_the_field_and_the_range():
    runtime.check_int("n", 3, 1, 5)
    runtime.check_float("lr", 0.1, 0.0, low_open=True)
    runtime.check_choice("loss", "a", ("a", "b"))
    with pytest.raises(ValueError, match="n=0 .*at least 1 and at most 5"):
        runtime.check_int("n", 0, 1, 5)
    with pytest.raises(ValueError, match="n=True"):
        runtime.check_int("n", True, 0)
    with pytest.raises(ValueError, match="n=2.5"):
        runtime.check_int("n", 2.5, 0)
    with pytest.raises(ValueError, match="lr=0.0 .*greater than 0"):
        runtime.check_float("lr", 0.0, 0.0, low_open=True)
    with pytest.raises(ValueError, match="p=2 .*at most 1"):
        runtime.check_float("p", 2, 0.0, 1.0)
    with pytest.raises(ValueError, match="loss='c' is unknown; choose one "
                       "of a, b"):
        runtime.check_choice("loss", "c", ("a", "b"))
    with pytest.raises(ValueError, match="profile='x'"):
        runtime.check_profile("x")


# -- data -----------------------------------------------------------------

def _idx(dims: tuple[int, ...], fill: int = 0) -> bytes:
    header = bytes([0, 0, data.IDX_UBYTE, len(dims)])
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
    monkeypatch.chdir(work)
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "debian")
    monkeypatch.setattr(data, "_download", lambda name, root: False)
    return tmp_path


def test_missing_dataset_names_every_searched_place(nowhere):
    with pytest.raises(data.DatasetError) as err:
        data.prepare("fashion-mnist")
    text = str(err.value)
    for place in (nowhere / "env", nowhere / "work" / "data",
                  nowhere / "debian"):
        assert str(place) in text
    assert "apt-get install dataset-fashion-mnist" in text
    assert "GEN_DATA_DIR" in text
    assert "train-images-idx3-ubyte" in text


def test_missing_mnist_does_not_look_in_the_fashion_folder(nowhere):
    with pytest.raises(data.DatasetError) as err:
        data.prepare("mnist")
    assert str(nowhere / "debian") not in str(err.value)
    assert "apt-get" not in str(err.value)


def test_unknown_dataset_and_split():
    with pytest.raises(ValueError, match="dataset='cifar'"):
        data.prepare("cifar")
    with pytest.raises(ValueError, match="split='val'"):
        data.load("fashion-mnist", "val")


def test_truncated_file_error_names_the_file(nowhere):
    raw = nowhere / "env" / "FashionMNIST" / "raw"
    _write_set(raw, truncate="t10k-images-idx3-ubyte")
    with pytest.raises(data.DatasetError, match="truncated") as err:
        data.prepare("fashion-mnist")
    assert str(raw / "t10k-images-idx3-ubyte") in str(err.value)


def test_truncated_gzip_in_debian_folder_names_the_file(nowhere):
    debian = _write_set(nowhere / "debian", gz=True,
                        truncate="train-labels-idx1-ubyte")
    with pytest.raises(data.DatasetError) as err:
        data.prepare("fashion-mnist")
    assert str(debian / "train-labels-idx1-ubyte.gz") in str(err.value)


def test_unreadable_gzip_is_named(nowhere):
    debian = _write_set(nowhere / "debian", gz=True)
    (debian / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(data.DatasetError, match="cannot be read") as err:
        data.prepare("fashion-mnist")
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

    monkeypatch.setattr(data, "_download", _original_download)
    monkeypatch.setattr(torchvision.datasets, "FashionMNIST",
                        _FakeTorchvisionSet)
    _FakeTorchvisionSet.calls = []
    _FakeTorchvisionSet.fail = False
    assert data.prepare("fashion-mnist") == nowhere / "env"
    assert _FakeTorchvisionSet.calls == [
        (str(nowhere / "env"), True, True),
        (str(nowhere / "env"), False, True)]
    _FakeTorchvisionSet.fail = True
    with pytest.raises(data.DatasetError, match="was not found"):
        data.prepare("fashion-mnist")
    with pytest.raises(data.DatasetError):
        data.prepare("fashion-mnist", download=False)


def test_mnist_files_are_not_taken_for_fashion_mnist(nowhere):
    _write_set(nowhere / "work" / "data" / "MNIST" / "raw")
    with pytest.raises(data.DatasetError):
        data.prepare("fashion-mnist")


def test_ensure_dataset_prints_where(nowhere, capsys):
    _write_set(nowhere / "debian", gz=True)
    assert data.ensure_dataset() == nowhere / "env"
    assert str(nowhere / "env" / "FashionMNIST" / "raw") in \
        capsys.readouterr().out


def test_not_an_idx_file_is_named(tmp_path):
    path = tmp_path / "x"
    with pytest.raises(data.DatasetError, match="not an IDX file"):
        data.check_idx(path, b"hello world")


def test_local_gzipped_copy_is_prepared_for_torchvision(nowhere):
    _write_set(nowhere / "debian", gz=True)
    root = data.prepare("fashion-mnist")
    assert root == nowhere / "env"
    raw = root / "FashionMNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(data.RAW_FILES)
    assert data.prepare("fashion-mnist") == root  # already there: kept
    fp = data.fingerprint()
    assert len(fp) == 16 and fp == data.fingerprint()


def test_loaded_fashion_mnist_is_in_memory_and_in_range():
    test = data.load("fashion-mnist", "test")
    assert test.images.shape == (10_000, 1, 28, 28)
    assert test.images.dtype == torch.float32
    assert 0.0 <= test.images.min() and test.images.max() <= 1.0
    assert test.labels.shape == (10_000,) and len(test.classes) == 10
    assert data.load("fashion-mnist", "test") is test  # cached


def test_subset_is_seeded_and_keeps_labels_aligned():
    test = data.load("fashion-mnist", "test")
    a, b = data.subset(test, 50, seed=1), data.subset(test, 50, seed=1)
    assert len(a) == 50 and torch.equal(a.labels, b.labels)
    assert a.fingerprint.endswith(":50:1")
    assert not torch.equal(a.labels, data.subset(test, 50, seed=2).labels)
    assert data.subset(test, None) is test
    assert data.subset(test, 10**6) is test


def test_batches_length_drop_last_and_errors():
    x = torch.arange(10)
    assert len(data.Batches(x, batch_size=4)) == 2
    kept = data.Batches(x, batch_size=4, drop_last=False)
    assert len(kept) == 3
    assert sorted(torch.cat(list(kept)).tolist()) == list(range(10))
    with pytest.raises(ValueError, match="common length"):
        data.Batches(x, torch.arange(3), batch_size=2)
    with pytest.raises(ValueError, match="common length"):
        data.Batches(batch_size=2)


# -- snippet --------------------------------------------------------------

def _demo(latent_dim: int = 2, lr: float = 0.1, name: str = "a",
          fast: bool = False):
    return latent_dim, lr, name, fast


def test_snippet_parses_options_by_their_default_type():
    assert snippet.run(_demo, ["--latent-dim", "5", "--lr", "0.5",
                               "--name", "b", "--fast", "yes"]) == \
        (5, 0.5, "b", True)
    assert snippet.run(_demo, []) == (2, 0.1, "a", False)


def test_snippet_unknown_option_names_the_existing_ones():
    with pytest.raises(SystemExit) as err:
        snippet.run(_demo, ["--latent", "5"])
    text = str(err.value)
    assert "unknown option '--latent'" in text
    for option in ("--latent-dim", "--lr", "--name", "--fast"):
        assert option in text


def test_snippet_option_without_value():
    with pytest.raises(SystemExit, match="--lr needs a value"):
        snippet.run(_demo, ["--lr"])
