"""What each kind of export holds: a decoder, or a training replay.

A decoder export is the family's decoder in float16 (float16_rounding.py)
with the test images' latent codes; the family says how to encode and
decode (`explorer(run)`, gen_src/family.py), so the build knows no model.
A replay export is a toy GAN run's frames: G's samples and D's view of
the plane, as bytes. Each maker returns the blocks and the manifest's
fields that export_format.py writes.
"""

from __future__ import annotations

from . import export_format, fresh_modules

CALIBRATION = 4096  # latent points the float16 rounding is fitted on
CHECK_POINTS = 256  # latent points the export checks against PyTorch
TOLERANCE = 2e-3  # largest pixel error allowed against PyTorch
PRIOR_BOX = 4.0  # a VAE's plane: [-4, 4]^2, four prior standard deviations


class ExportError(RuntimeError):
    """A run cannot be exported; the message names the run and why."""


# -- decoders ---------------------------------------------------------------
def explorer(loaded, record):
    """The family's description of the run's latent plane."""
    module = fresh_modules.current(record["family"])
    if not hasattr(module, "explorer"):
        raise ExportError(
            f"run {record['run']!r}: its family, gen_src/"
            f"{record['family']}.py, defines no explorer(run) "
            "(gen_src/family.py), so its latent plane cannot be shown live"
        )
    return module.explorer(loaded)


def torch_decode(spec, z, labels=None):
    """PyTorch's images in [0, 1], (N, 784), for codes z (and labels)."""
    import torch

    z = torch.as_tensor(z, dtype=torch.float32)
    y = None if labels is None else torch.as_tensor(labels, dtype=torch.long)
    with torch.no_grad():
        return spec.decode(z, y).reshape(len(z), -1).numpy()


def encode(spec, images, labels):
    """The latent codes of images (the mean code for a VAE), (N, 2)."""
    import torch

    with torch.no_grad():
        return spec.encode(images, labels).numpy()


def _view_box(codes, prior: bool):
    """The square of the plane the widget shows: (low corner, high). A
    VAE's is the prior's; an autoencoder's holds its codes, with a
    margin (its scale is arbitrary)."""
    if prior:
        return [-PRIOR_BOX, -PRIOR_BOX], [PRIOR_BOX, PRIOR_BOX]
    low, high = codes.min(0), codes.max(0)
    centre, half = (low + high) / 2, 0.55 * float((high - low).max())
    half = half or 1.0
    return (
        [round(float(c - half), 4) for c in centre],
        [round(float(c + half), 4) for c in centre],
    )


def _grid(low, high, n):
    import numpy as np

    u = np.linspace(0, 1, n)
    a = low[0] + (high[0] - low[0]) * u
    b = low[1] + (high[1] - low[1]) * u
    return np.stack(np.meshgrid(a, b), -1).reshape(-1, 2)


def make_decoder(run, record):
    """Blocks and manifest fields of a decoder export."""
    import numpy as np

    from .. import data
    from . import float16_rounding as f16

    spec = explorer(run, record)
    num_labels = spec.num_labels
    test = data.load(record["config"]["dataset"], "test")
    n = min(spec.codes, len(test.images))
    images, labels = test.images[:n], test.labels[:n]
    codes = encode(spec, images, labels)
    if codes.shape[1] != 2:
        raise ExportError(
            f"run {record['run']!r} has a {codes.shape[1]}-D latent space; "
            "the explorer shows a plane (2-D)"
        )
    low, high = _view_box(codes, prior=spec.prior)
    rng = np.random.default_rng(0)
    z = rng.uniform(low, high, (CALIBRATION, 2))
    y = np.arange(CALIBRATION) % num_labels if num_labels else None
    try:
        layers = f16.dense_layers(spec.decoder, spec.sigmoid_after)
    except f16.UnsupportedLayerError as err:
        raise ExportError(f"run {record['run']!r}: {err}") from err
    exact_check = _grid(low, high, 16)  # 256 points over the plane
    check_labels = (
        np.arange(len(exact_check)) % num_labels if num_labels else None
    )
    rounded = f16.round_float16(layers, f16.inputs(z, y, num_labels))
    ours = f16.decode_float16(rounded, exact_check, check_labels, num_labels)
    theirs = torch_decode(spec, exact_check, check_labels)
    error = float(np.abs(ours - theirs).max())
    if not error <= TOLERANCE:  # NaN too: an overflowed float16
        raise ExportError(
            f"run {record['run']!r}: the float16 decoder is {error:.2g} "
            f"from PyTorch's (more than {TOLERANCE:g})"
        )
    blocks = export_format.Blocks()
    described = []
    for i, layer in enumerate(rounded):
        blocks.add(f"layer{i}.weight", layer["weight"].astype(np.float16))
        blocks.add(f"layer{i}.bias", layer["bias"].astype(np.float16))
        described.append(
            {
                "weight": f"layer{i}.weight",
                "bias": f"layer{i}.bias",
                "activation": layer["activation"],
            }
        )
    # the plane's box in 255 steps a side: under 1.2 pixels on screen
    unit = (codes - np.array(low)) / (np.array(high) - np.array(low))
    blocks.add("codes", np.rint(np.clip(unit, 0, 1) * 255).astype(np.uint8))
    blocks.add("labels", labels.numpy().astype(np.uint8))
    extra = {
        "layers": described,
        "latent_dim": 2,
        "num_labels": num_labels,
        "image": [28, 28],
        "view": {
            "low": low,
            "high": high,
            "prior": spec.prior,
        },
        "codes": "codes",
        "labels": "labels",
        "check": {"points": len(exact_check), "max_abs_error": error},
    }
    return blocks, extra


# -- replays ----------------------------------------------------------------
def make_replay(run, record):
    """Blocks and manifest fields of a training replay."""
    import numpy as np

    from .. import toy
    from ..plots.common import replay_unit

    tensors = run.tensors
    missing = [
        k
        for k in ("replay_steps", "replay_points", "replay_view")
        if k not in tensors
    ]
    if missing:
        raise ExportError(
            f"run {record['run']!r} recorded no replay (no "
            f"{', '.join(missing)}): is it a toy GAN run?"
        )
    dataset = record["config"]["dataset"]
    limit = float(toy.LIMITS[dataset])
    steps = tensors["replay_steps"].numpy()
    points = tensors["replay_points"].double().numpy()
    # D = sigmoid(logit) in [0, 1], or a critic's score rescaled
    unit, mapping = replay_unit(
        record["config"].get("loss"), tensors["replay_view"]
    )
    unit = unit.numpy()
    blocks = export_format.Blocks()
    blocks.add("steps", steps.astype(np.uint32))
    # the plane [-limit, limit]^2 in 255 steps: about a pixel on screen
    q = np.rint((points + limit) / (2 * limit) * 255)
    blocks.add("points", np.clip(q, 0, 255).astype(np.uint8))
    blocks.add("view", np.rint(unit * 255).astype(np.uint8))
    extra = {
        "dataset": dataset,
        "method": run.config.method,  # its label: strings' [modes_table]
        "limit": limit,
        "modes": toy.modes(dataset).tolist(),
        "mode_std": toy.mode_std(dataset),
        "mapping": mapping,
        "frames": int(len(steps)),
        "grid": int(unit.shape[-1]),
        "points": "points",
        "view": "view",
        "steps": "steps",
    }
    return blocks, extra


MAKERS = {"decoder": make_decoder, "replay": make_replay}
