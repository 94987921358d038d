"""A sampler export: a 2-D diffusion or flow matching run, for the live
sampler that carries particles from noise to the data in the browser.

It holds the network f(x, t) of the run (gen_src/denoising.py, TimeMLP:
the time embedding's frequencies, then dense layers with SiLU) in
float32, since a sampler feeds the network's output back in for up to a
hundred steps and float16 weights move the particles by up to 0.5 (a
particle near the border of two modes changes mode); the starting noise
of the still's paths; and for diffusion the schedule abar_0..abar_T.
docs/assets/gen-sampling.js runs the samplers of gen_src/diffusion.py
and gen_src/flow_matching.py on it.
"""

from __future__ import annotations

import numpy as np

from . import export_format
from .export_contents import ExportError

PARTICLES = 500  # the particles the reader watches travel
CHECK_POINTS = 256  # (x, t) pairs the export checks against PyTorch
TOLERANCE = 1e-4  # largest output error allowed against PyTorch
# family -> (its network's name in run.models, its samplers)
FAMILIES = {
    "diffusion": ("eps", ("ddpm", "ddim")),
    "flow_matching": ("velocity", ("euler", "heun")),
}


def _fail(record, what: str) -> ExportError:
    return ExportError(f"run {record['run']!r}: {what}")


def network(run, record):
    """The family's network of the run, or an error naming what lacks."""
    family = record.get("family")
    if family not in FAMILIES:
        raise _fail(
            record,
            f"its family {family!r} has no sampler the browser runs; a "
            f"'sampler' widget shows runs of {', '.join(FAMILIES)} only",
        )
    name = FAMILIES[family][0]
    model = run.models.get(name)
    if model is None:
        raise _fail(
            record,
            f"holds no network {name!r} (it has {sorted(run.models)}); "
            "retrain it: delete its folder under .cache/gen_src/runs",
        )
    return model


def dense_layers(model, record) -> tuple[np.ndarray, list[dict]]:
    """(the embedding's frequencies, [{weight, bias, activation}]) of a
    TimeMLP, float32, as the browser computes them."""
    from torch import nn

    freqs = getattr(getattr(model, "embed", None), "freqs", None)
    body = getattr(model, "net", None)
    if freqs is None or not isinstance(body, nn.Sequential):
        raise _fail(
            record,
            f"its network is a {type(model).__name__}, not a TimeMLP "
            "(gen_src/denoising.py: embed.freqs, then net)",
        )
    layers: list[dict] = []
    for module in body:
        if isinstance(module, nn.Linear):
            layers.append(
                {
                    "weight": module.weight.detach().float().numpy(),
                    "bias": module.bias.detach().float().numpy(),
                    "activation": None,
                }
            )
        elif isinstance(module, nn.SiLU) and layers:
            layers[-1]["activation"] = "silu"
        else:
            raise _fail(
                record,
                f"its network holds a {type(module).__name__}, which the "
                "browser's sampler (docs/assets/gen-nn.js) does not know: "
                "use Linear and SiLU, or teach gen-nn.js the layer",
            )
    return freqs.detach().float().numpy(), layers


def forward(freqs, layers, x, t) -> np.ndarray:
    """What the browser computes: f(x, t) for x (N, 2), t (N,)."""
    angles = (t.astype(np.float32)[:, None] * freqs).astype(np.float64)
    h = np.concatenate([x, np.sin(angles), np.cos(angles)], 1)
    for layer in layers:
        h = h @ layer["weight"].T.astype(np.float64) + layer["bias"]
        if layer["activation"] == "silu":
            h = h / (1 + np.exp(-h))
    return h


def check(model, freqs, layers, bound: float) -> float:
    """The largest gap between the browser's computation and PyTorch's,
    over points of the data's box at times in [0, 1]."""
    import torch

    rng = np.random.default_rng(0)
    x = rng.uniform(-bound, bound, (CHECK_POINTS, 2)).astype(np.float32)
    t = rng.uniform(0, 1, CHECK_POINTS).astype(np.float32)
    with torch.no_grad():
        theirs = model(torch.from_numpy(x), torch.from_numpy(t)).numpy()
    return float(np.abs(forward(freqs, layers, x, t) - theirs).max())


def make_sampler(run, record):
    """Blocks and manifest fields of a sampler export."""
    from .. import denoising, toy

    model = network(run, record)
    config = run.config
    family = record["family"]
    dataset = config.dataset
    freqs, layers = dense_layers(model, record)
    bound = denoising.data_bound(dataset)
    error = check(model, freqs, layers, bound)
    if not error <= TOLERANCE:
        raise _fail(
            record,
            f"the browser's forward pass is {error:.2g} from PyTorch's "
            f"(more than {TOLERANCE:g}): does gen-sampling.js still follow "
            "TimeMLP in gen_src/denoising.py?",
        )
    blocks = export_format.Blocks()
    blocks.add("freqs", freqs)
    described = []
    for i, layer in enumerate(layers):
        blocks.add(f"layer{i}.weight", layer["weight"])
        blocks.add(f"layer{i}.bias", layer["bias"])
        described.append(
            {
                "weight": f"layer{i}.weight",
                "bias": f"layer{i}.bias",
                "activation": layer["activation"],
            }
        )
    # the still's starting noise: its first paths are these particles'
    noise = denoising.noise(config, max(config.num_samples, PARTICLES))
    blocks.add("noise", noise[:PARTICLES].numpy().astype(np.float32))
    T = getattr(config, "T", None)
    extra = {
        "family": family,
        "samplers": list(FAMILIES[family][1]),
        "dataset": dataset,
        "scale": denoising.data_scale(dataset),  # model units -> data
        "limit": float(toy.LIMITS[dataset]) * 1.6,  # the still's view
        "modes": toy.modes(dataset).tolist(),
        "layers": described,
        "freqs": "freqs",
        "noise": "noise",
        "particles": PARTICLES,
        "steps": [s for s in denoising.SWEEP if T is None or s <= T],
        "sample_steps": config.sample_steps,
        "check": {"points": CHECK_POINTS, "max_abs_error": error},
    }
    if family == "diffusion":
        from .. import diffusion

        abar = diffusion.alpha_bar(config.schedule, T).numpy()
        blocks.add("alpha_bar", abar.astype(np.float64))
        extra |= {"T": T, "alpha_bar": "alpha_bar", "clip": bound}
    return blocks, extra


MAKERS = {"sampler": make_sampler}
