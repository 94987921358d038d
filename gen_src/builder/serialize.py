"""Save and load a trained Run: safetensors for tensors, JSON for the rest."""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from ..loop import Run
from .cache import RUN_RECORD, read_record, write_json


def _plain(tensors: dict) -> dict[str, torch.Tensor]:
    # safetensors refuses shared or strided storage: store plain copies.
    return {
        k: v.detach().cpu().contiguous().clone() for k, v in tensors.items()
    }


def save_run(folder: Path, run: Run, record: dict) -> None:
    weights = {}
    for model_name, model in run.models.items():
        for key, value in model.state_dict().items():
            weights[f"{model_name}/{key}"] = value
    save_file(_plain(weights), str(folder / "weights.safetensors"))
    if run.tensors:
        save_file(_plain(run.tensors), str(folder / "tensors.safetensors"))
    write_json(folder / "record.json", {**record, "history": run.history})


def load_run(folder: Path, module, name: str, profile: str):
    """Rebuild the Run from a cache entry; raise on any damage."""
    record = read_record(folder / "record.json", RUN_RECORD)
    if record["run"] != name or record["profile"] != profile:
        raise ValueError("record.json describes another run")
    config = module.RUNS[name](profile)
    models = module.build(config)
    weights = load_file(str(folder / "weights.safetensors"))
    for model_name, model in models.items():
        prefix = f"{model_name}/"
        state = {
            k[len(prefix) :]: v
            for k, v in weights.items()
            if k.startswith(prefix)
        }
        model.load_state_dict(state, strict=True)
        model.eval()
    tensors_file = folder / "tensors.safetensors"
    tensors = load_file(str(tensors_file)) if tensors_file.exists() else {}
    history = record.pop("history")
    run = Run(
        config=config,
        models=models,
        history=history,
        metrics=record["metrics"],
        tensors=tensors,
        seconds=record["seconds"],
        device=record["device"],
    )
    return run, record
