"""Saving and loading a trained Run (gen_src/builder/serialize.py): the
weights and tensors in safetensors, the rest in record.json; a Run comes
back whole, or loading raises."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file, save_file

from gen_src import dcgan, gan
from gen_src.builder import serialize
from gen_src.loop import Run

TOY = "toy_ring_ns"


def record_for(name: str, profile: str = "smoke") -> dict:
    return {
        "run": name,
        "profile": profile,
        "key": "k123",
        "config": {},
        "metrics": {"modes": 7.0},
        "seconds": 1.5,
        "device": "CPU",
        "torch": torch.__version__,
        "date": "2026-01-01",
    }


def toy_run(tensors: dict | None = None) -> Run:
    config = gan.RUNS[TOY]("smoke")
    torch.manual_seed(0)
    return Run(
        config=config,
        models=gan.build(config),
        history={"loss_D": [1.25, 0.5], "loss_G": [0.75, 1.0]},
        metrics={"modes": 7.0},
        tensors=tensors or {},
        seconds=1.5,
        device="CPU",
    )


def test_a_run_comes_back_as_it_was_saved(tmp_path):
    """Weights, history, tensors, metrics, time and device survive; the
    config is the family's for the run; the networks are in eval mode;
    the record comes back without the history."""
    points = torch.randn(5, 2)
    run = toy_run({"points": points})
    record = record_for(TOY)
    serialize.save_run(tmp_path, run, record)
    back, back_record = serialize.load_run(tmp_path, gan, TOY, "smoke")
    assert back.config == gan.RUNS[TOY]("smoke")
    assert set(back.models) == {"G", "D"}
    for name, model in run.models.items():
        saved = model.state_dict()
        loaded = back.models[name].state_dict()
        assert saved.keys() == loaded.keys()
        assert all(torch.equal(saved[k], loaded[k]) for k in saved)
        assert not back.models[name].training
    assert back.history == run.history
    assert torch.equal(back.tensors["points"], points)
    assert back.metrics == {"modes": 7.0}
    assert (back.seconds, back.device) == (1.5, "CPU")
    assert back_record == record


def test_the_files_hold_weights_by_network_and_the_history(tmp_path):
    """weights.safetensors names each tensor <network>/<parameter>;
    record.json is the record plus the history; the caller's record is
    left as it was."""
    run = toy_run()
    record = record_for(TOY)
    serialize.save_run(tmp_path, run, record)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "record.json",
        "weights.safetensors",
    ]  # no tensors, no tensors file
    weights = load_file(str(tmp_path / "weights.safetensors"))
    want = {
        f"{name}/{key}"
        for name, model in run.models.items()
        for key in model.state_dict()
    }
    assert set(weights) == want
    stored = json.loads((tmp_path / "record.json").read_text())
    assert stored == {**record, "history": run.history}
    assert "history" not in record


def test_a_run_without_tensors_loads_with_none(tmp_path):
    serialize.save_run(tmp_path, toy_run(), record_for(TOY))
    back, _ = serialize.load_run(tmp_path, gan, TOY, "smoke")
    assert back.tensors == {}


def test_shared_and_strided_tensors_are_saved_as_plain_copies(tmp_path):
    """A view into another tensor, a transposed one and one that needs
    gradients: safetensors takes none of them as they are."""
    base = torch.arange(12.0).view(3, 4)
    tensors = {
        "base": base,
        "row": base[1],  # shares base's storage
        "transposed": base.T,  # not contiguous
        "tracked": torch.ones(2, requires_grad=True) * 2,
    }
    shared = base.untyped_storage().data_ptr()
    assert tensors["row"].untyped_storage().data_ptr() == shared
    serialize.save_run(tmp_path, toy_run(tensors), record_for(TOY))
    back, _ = serialize.load_run(tmp_path, gan, TOY, "smoke")
    assert set(back.tensors) == set(tensors)
    for name, value in tensors.items():
        assert torch.equal(back.tensors[name], value.detach()), name


def test_buffers_come_back_with_the_weights(tmp_path):
    """Batch norm's running statistics and step count are state too."""
    config = dcgan.RUNS["dcgan"]("smoke")
    models = dcgan.build(config)
    norms = [
        m for m in models["G"].modules() if isinstance(m, torch.nn.BatchNorm2d)
    ]
    assert norms  # the test needs buffers to carry
    for m in norms:
        m.running_mean.uniform_()
        m.num_batches_tracked.fill_(17)
    run = Run(config=config, models=models, history={}, metrics={})
    serialize.save_run(tmp_path, run, record_for("dcgan"))
    back, _ = serialize.load_run(tmp_path, dcgan, "dcgan", "smoke")
    saved, loaded = models["G"].state_dict(), back.models["G"].state_dict()
    assert all(torch.equal(saved[k], loaded[k]) for k in saved)
    assert loaded[next(k for k in loaded if "num_batches" in k)] == 17


@pytest.mark.parametrize(
    "name, profile", [("toy_ring_k3_ns", "smoke"), (TOY, "quick")]
)
def test_a_record_of_another_run_is_refused(tmp_path, name, profile):
    """The entry holds TOY under smoke: asked for another run, or another
    profile, it is not taken for it."""
    serialize.save_run(tmp_path, toy_run(), record_for(TOY))
    with pytest.raises(ValueError, match="describes another run"):
        serialize.load_run(tmp_path, gan, name, profile)


def test_a_record_missing_a_field_names_it(tmp_path):
    record = record_for(TOY)
    del record["seconds"], record["device"]
    serialize.save_run(tmp_path, toy_run(), record)
    with pytest.raises(ValueError, match="record.json lacks seconds, device"):
        serialize.load_run(tmp_path, gan, TOY, "smoke")


def test_weights_that_do_not_fit_the_networks_are_refused(tmp_path):
    """Weights of another shape (a grid run's, say) or missing a network
    do not load quietly."""
    serialize.save_run(tmp_path, toy_run(), record_for(TOY))
    weights = load_file(str(tmp_path / "weights.safetensors"))
    shrunk = {k: v[:1] if "G/" in k else v for k, v in weights.items()}
    save_file(shrunk, str(tmp_path / "weights.safetensors"))
    with pytest.raises(RuntimeError, match="size mismatch"):
        serialize.load_run(tmp_path, gan, TOY, "smoke")
    only_g = {k: v for k, v in weights.items() if k.startswith("G/")}
    save_file(only_g, str(tmp_path / "weights.safetensors"))
    with pytest.raises(RuntimeError, match="Missing key"):
        serialize.load_run(tmp_path, gan, TOY, "smoke")


def test_missing_weights_raise(tmp_path):
    serialize.save_run(tmp_path, toy_run(), record_for(TOY))
    (tmp_path / "weights.safetensors").unlink()
    with pytest.raises(FileNotFoundError):
        serialize.load_run(tmp_path, gan, TOY, "smoke")
