"""The line under every trained figure: how it was made, in any language.

It is built from the figure's record.json (written by the pipeline):
dataset and size, profile, epochs or iterations, device, training seconds,
seed, torch version, date, and the run's metrics. The words come from the
language's table (gen_src/builder/strings/LANG.toml).
"""

from __future__ import annotations

import math
import re

from gen_src.builder import strings

FULL_TRAIN_SIZE = 60_000
TOY = ("ring", "grid")
# the device as gen_src.runtime.device_name records it on a CPU (records
# stay as they are: runtime.py is part of every run's key)
CPU = re.compile(r"CPU \((\d+) threads?\)")


def _number(n: int, t: dict) -> str:
    return f"{n:,}".replace(",", t["thousands"])


def device(name: str, t: dict) -> str:
    """The recorded device in the table's words (a GPU's name as is)."""
    match = CPU.fullmatch(name)
    if match is None:
        return name
    n = int(match[1])
    return t["cpu_one"] if n == 1 else t["cpu"].format(n)


def describe_run(record: dict, lang: str) -> str:
    t = strings.table(lang)["provenance"]
    config = record.get("config", {})
    parts = []
    dataset = config.get("dataset", "fashion-mnist")
    if dataset in TOY:
        parts.append(t["toy"].format(t[dataset]))
    elif dataset == "dirac":  # the Dirac GAN's one real point
        parts.append(t["dirac"])
    else:
        size = config.get("train_size") or FULL_TRAIN_SIZE
        name = "Fashion-MNIST" if dataset == "fashion-mnist" else dataset
        parts.append(f"{name}, " + t["images"].format(_number(size, t)))
    profile = record.get("profile", "?")
    parts.append(t["profile"].format(f"<code>{profile}</code>"))
    if (dataset in TOY or dataset == "dirac") and "num_steps" in config:
        parts.append(t["steps"].format(_number(config["num_steps"], t)))
    elif "num_epochs" in config:
        n = config["num_epochs"]
        parts.append(t["epoch"] if n == 1 else t["epochs"].format(n))
    parts.append(device(record.get("device", "?"), t))
    parts.append(t["seconds"].format(record.get("seconds", 0.0)))
    parts.append(t["seed"].format(config.get("seed", "?")))
    parts.append(f"torch {record.get('torch', '?')}")
    parts.append(record.get("date", "?"))
    parts += metric_texts(record.get("metrics", {}), lang)
    return " · ".join(parts)


def metric_texts(metrics: dict, lang: str) -> list[str]:
    """Every metric but the hidden ones: labelled ones in the table's
    order, then any other under its own name (never dropped)."""
    labels = strings.table(lang)["metrics"]
    texts = []
    for name, (label, fmt) in labels.items():
        if name in metrics:
            texts.append(f"{label} {_value(fmt, metrics[name], metrics)}")
    for name, value in metrics.items():
        if name not in labels and not strings.hidden(name):
            shown = (
                _value("{:.4g}", value, metrics)
                if isinstance(value, float)
                else value
            )
            texts.append(f"{name} {shown}")
    return texts


def _value(fmt: str, value, metrics: dict) -> str:
    """value in fmt; an infinite one (the reverse KL of a run that found
    no mode) as ∞, not Python's "inf"."""
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "−∞"
    try:
        return fmt.format(value, **metrics)
    except KeyError as err:  # the hook says it in one line
        raise KeyError(
            f"the metric format {fmt!r} ([metrics] of gen_src/builder/"
            f"strings/*.toml) needs {err.args[0]!r}, which the run's record "
            "lacks: score it in the family's score(), or change the format"
        ) from None


def provenance_html(record: dict, lang: str) -> str:
    runs = record.get("runs", [])
    lines = [describe_run(run, lang) for run in runs]
    if len(runs) > 1:
        lines = [
            f"<code>{run['run']}</code>: {line}"
            for run, line in zip(runs, lines)
        ]
    return "<br>".join(lines)
