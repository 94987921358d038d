"""Exports for the site's live widgets: what the browser needs of a run.

A widget (WIDGETS below) is the live version of one figure: the VAE's
latent explorer, the CVAE's, the replay of the toy GAN runs. The browser
gets, for each run it shows, one export made from the cached run:

- a binary file of named blocks, packed one after the other: a decoder's
  weights in float16 with the test images' latent codes, or a replay's
  frames (G's samples and D's view of the plane, as bytes);
- a JSON manifest: the blocks (dtype, shape, offset), the layers and their
  activations, the sha256 of the binary file, and the run's record (its
  config, metrics, device, date: the widget's provenance);
- the same two as one JavaScript file (the bytes in base64), which a page
  opened from disk (file://, where fetch fails) loads with a script tag.

Each export is a cache entry keyed by the run's key and this module's
source, so a warm build exports nothing again. The forward pass in the
browser is the site's own (docs/assets/gen-nn.js: dense layers, ReLU,
sigmoid); `decode_float16` below is the same computation in numpy, and the
export refuses weights whose decoding strays from PyTorch's.

float16 rounding: rounding each weight to its nearest float16 moves the
decoded pixels by up to about 3e-3 over the plane a widget shows. The
weights are rounded one input column at a time instead, each rounding
error compensated in the columns not yet rounded (GPTQ: Frantar et al.
2022, "Optimal Brain Compression" / "GPTQ"), over inputs drawn from that
plane; every stored value is still a float16, and the error falls about
tenfold.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

from . import cache as cache_mod

log = logging.getLogger("gen_src.export")
FORMAT = 1  # bump when the files change shape: the JS reads this
FOLDER = "widgets"  # where the site publishes the exports
# test images encoded as points on a latent plane, per family: the CVAE's
# decoder is larger (its label inputs) and its page has a still of its
# own; with 1,000 points that page stays within 700 kB
CODES = {"vae": 2000, "autoencoder": 2000, "cvae": 1000}
CALIBRATION = 4096  # latent points the float16 rounding is fitted on
CHECK_POINTS = 256  # latent points the export checks against PyTorch
TOLERANCE = 2e-3  # largest pixel error allowed against PyTorch
PRIOR_BOX = 4.0  # a VAE's plane: [-4, 4]^2, four prior standard deviations
ALIGN = 8  # every block starts at a multiple of this many bytes


# -- the widgets ------------------------------------------------------------
@dataclass(frozen=True)
class Widget:
    """A live figure. figure: the still that stands in for it (JS off,
    before the data load, or after an error); it must draw exactly the
    widget's runs, so that its provenance line is the widget's. groups:
    (name, runs) shown together; the first loads with the page, the
    others when the reader picks them."""

    name: str
    kind: str  # "latent" | "conditional" | "replay"
    figure: str
    groups: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def runs(self) -> tuple[str, ...]:
        return tuple(run for _, runs in self.groups for run in runs)

    @property
    def export_kind(self) -> str:
        return "replay" if self.kind == "replay" else "decoder"


WIDGETS = {
    # the VAE's plane, and the autoencoder's behind a toggle
    "vae_explorer": Widget(
        "vae_explorer",
        "latent",
        "latent_ae_vs_vae",
        (("vae", ("vae2d",)), ("ae", ("ae2d",))),
    ),
    # one z under every label
    "cvae_explorer": Widget(
        "cvae_explorer",
        "conditional",
        "cvae_explorer",
        (("cvae", ("cvae2d",)),),
    ),
    # minimax against non-saturating, one timeline; a remedy adds a group
    # or a run to one
    "gan_replay": Widget(
        "gan_replay",
        "replay",
        "gan_replay",
        (
            ("ring", ("toy_ring_k3_mm", "toy_ring_k3_ns")),
            ("grid", ("toy_grid_mm", "toy_grid_ns")),
        ),
    ),
    # the GAN beside its remedies, the same data, budget and seed
    "remedies_replay": Widget(
        "remedies_replay",
        "replay",
        "remedies_replay",
        (
            (
                "ring",
                ("toy_ring_ns", "toy_ring_pac4", "wgan_ring", "toy_ring_r1"),
            ),
            (
                "grid",
                ("toy_grid_ns", "toy_grid_pac4", "wgan_grid", "toy_grid_r1"),
            ),
        ),
    ),
}


class UnknownWidgetError(KeyError):
    """A page names a widget that WIDGETS does not define."""


class ExportError(RuntimeError):
    """A run cannot be exported; the message names the run and why."""


def widget(name: str, page: str | None = None) -> Widget:
    if name not in WIDGETS:
        where = f"{page}: " if page else ""
        raise UnknownWidgetError(
            f"{where}unknown widget {name!r}. Known widgets: "
            f"{', '.join(sorted(WIDGETS))} (gen_src/builder/export.py)"
        )
    return WIDGETS[name]


def exports_needed() -> dict[str, str]:
    """run -> export kind, for every run of every widget."""
    needed: dict[str, str] = {}
    for spec in WIDGETS.values():
        for run in spec.runs:
            if needed.setdefault(run, spec.export_kind) != spec.export_kind:
                raise ValueError(f"run {run!r} is exported two ways")
    return needed


# -- results and the cache --------------------------------------------------
@dataclass
class Export:
    run: str
    kind: str
    stem: str  # the published files are FOLDER/stem.json, .bin, .js
    folder: Path  # the cache entry
    record: dict
    made: bool = False  # False when it came from the cache

    def transfer_bytes(self) -> int:
        """What a page served over http loads: manifest and data."""
        return sum(
            (self.folder / name).stat().st_size
            for name in ("manifest.json", "data.bin")
        )

    def files(self) -> dict[str, Path]:
        """published name -> file in the cache entry"""
        return {
            f"{self.stem}.json": self.folder / "manifest.json",
            f"{self.stem}.bin": self.folder / "data.bin",
            f"{self.stem}.js": self.folder / "data.js",
        }


# the code an export depends on besides the run (whose key covers its own)
_SOURCES = (
    Path(__file__),
    Path(__file__).resolve().parent.parent / "plots" / "widgets.py",
)


def export_key(pipe, run: str, kind: str) -> str:
    return cache_mod.digest(
        "export",
        FORMAT,
        run,
        kind,
        *(p.read_bytes() for p in _SOURCES),
        pipe.located_key(run),
    )


class Exporter:
    """Exports for one pipeline; memoised per process (static-i18n runs
    every hook event once per language)."""

    def __init__(self, pipe):
        self.pipe = pipe
        self._known: dict[str, tuple[str, Export]] = {}

    def export(self, run: str, kind: str) -> Export:
        key = export_key(self.pipe, run, kind)
        known = self._known.get(run)
        if known is not None and known[0] == key:  # made in this process
            return dataclasses.replace(known[1], made=False)
        cache = self.pipe.cache
        entry = cache.root / "exports" / f"{run}-{key}"
        stem = f"{run}-{key[:12]}"
        with cache.lock(entry):
            result = self._load(run, kind, stem, entry)
            if result is None:
                started = time.perf_counter()
                loaded, record = self.pipe.run(run)
                blobs = MAKERS[kind](loaded, record)
                cache.write_entry(
                    entry, lambda tmp: _write(tmp, stem, kind, record, *blobs)
                )
                result = Export(run, kind, stem, entry, _plain(record), True)
                log.info(
                    "exported %s in %.1f s",
                    run,
                    time.perf_counter() - started,
                )
        self._known[run] = (key, result)
        return result

    def _load(self, run, kind, stem, entry: Path) -> Export | None:
        if not entry.exists():
            return None
        try:
            self.pipe.cache.check_entry(entry)
            manifest = cache_mod.read_json(entry / "manifest.json")
            if manifest.get("stem") != stem or manifest.get("kind") != kind:
                raise ValueError("manifest.json describes another export")
        except (OSError, ValueError) as err:  # DamagedEntry included
            log.warning(
                "cache entry %s is damaged (%s); exporting %s again",
                entry,
                err,
                run,
            )
            self.pipe.cache.discard(entry)
            return None
        return Export(run, kind, stem, entry, manifest["record"])

    def build(self) -> dict[str, object]:
        """Every widget's runs: an Export or the exception."""
        out: dict[str, object] = {}
        for run, kind in exports_needed().items():
            try:
                out[run] = self.export(run, kind)
            except KeyboardInterrupt:
                raise
            except Exception as err:  # reported per run by the caller
                out[run] = err
        return out


def _plain(record: dict) -> dict:
    """The record without its long history and without what changes from
    one training to the next (seconds, the date), so that two cold builds
    export the same bytes; and valid JSON: a value that is not finite (the
    reverse KL of a run that found no mode) is null."""
    kept = {
        k: v
        for k, v in record.items()
        if k not in ("history", "date") and not k.startswith("seconds")
    }
    if isinstance(kept.get("metrics"), dict):
        kept["metrics"] = {
            k: v
            for k, v in kept["metrics"].items()
            if not k.startswith("seconds")
        }
    return _finite(kept)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


# -- packing ----------------------------------------------------------------
class Blocks:
    """Named arrays packed into one buffer, each at an aligned offset."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.index: dict[str, dict] = {}
        self.size = 0

    def add(self, name: str, array) -> None:
        import numpy as np

        array = np.ascontiguousarray(array)
        dtype = {
            np.dtype("float16"): "float16",
            np.dtype("uint8"): "uint8",
            np.dtype("uint32"): "uint32",
        }[array.dtype]
        pad = -self.size % ALIGN
        self.parts.append(b"\0" * pad)
        self.size += pad
        self.index[name] = {
            "dtype": dtype,
            "shape": list(array.shape),
            "offset": self.size,
        }
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        self.parts.append(data)
        self.size += len(data)

    def bytes(self) -> bytes:
        return b"".join(self.parts)


def _write(tmp: Path, stem, kind, record, blocks: Blocks, extra: dict):
    data = blocks.bytes()
    manifest = {
        "format": FORMAT,
        "kind": kind,
        "run": record["run"],
        "stem": stem,
        "file": f"{stem}.bin",
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "blocks": blocks.index,
        **extra,
        "record": _plain(record),
    }
    text = json.dumps(
        manifest, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    (tmp / "data.bin").write_bytes(data)
    (tmp / "manifest.json").write_text(text, encoding="utf-8")
    script = (
        "(window.genExplorerData=window.genExplorerData||{})"
        f"[{json.dumps(stem)}]={{manifest:{text},"
        f'data:"{base64.b64encode(data).decode("ascii")}"}};\n'
    )
    (tmp / "data.js").write_text(script, encoding="utf-8")


# -- decoders ---------------------------------------------------------------
# family -> (model name, the decoder's input takes a one-hot label,
# sigmoid applied after the decoder's last layer by the family's decode)
DECODERS = {
    "vae": ("vae", False, True),
    "autoencoder": ("ae", False, False),
    "cvae": ("cvae", True, True),
}


def _decoder_spec(record: dict):
    family = record.get("family")
    if family not in DECODERS:
        raise ExportError(
            f"run {record['run']!r} (family {family!r}) has no decoder to "
            f"export; known families: {', '.join(DECODERS)}"
        )
    return DECODERS[family]


def decoder_layers(run, record) -> list[dict]:
    """The decoder as dense layers: weight (out, in), bias, activation."""
    from torch import nn

    name, _, sigmoid_after = _decoder_spec(record)
    layers: list[dict] = []
    for module in run.models[name].decoder:
        if isinstance(module, nn.Linear):
            layers.append(
                {
                    "weight": module.weight.detach().double().numpy(),
                    "bias": module.bias.detach().double().numpy(),
                    "activation": None,
                }
            )
        elif isinstance(module, (nn.ReLU, nn.Sigmoid)) and layers:
            kind = "relu" if isinstance(module, nn.ReLU) else "sigmoid"
            layers[-1]["activation"] = kind
        elif not isinstance(module, (nn.Flatten, nn.Unflatten)):
            raise ExportError(
                f"run {record['run']!r}: the decoder holds a "
                f"{type(module).__name__}, which the site's forward pass "
                "(docs/assets/gen-nn.js) does not know"
            )
    if sigmoid_after:
        if layers[-1]["activation"] is not None:
            raise ExportError(f"run {record['run']!r}: two output activations")
        layers[-1]["activation"] = "sigmoid"
    return layers


def torch_decode(run, record, z, labels=None):
    """PyTorch's images in [0, 1], (N, 784), for codes z (and labels)."""
    import torch

    name, conditional, _ = _decoder_spec(record)
    model = run.models[name]
    z = torch.as_tensor(z, dtype=torch.float32)
    with torch.no_grad():
        if conditional:
            out = model.decode(z, torch.as_tensor(labels, dtype=torch.long))
        elif record["family"] == "vae":
            out = model.decode(z)
        else:
            out = model.decoder(z)
    return out.reshape(len(z), -1).numpy()


def encode(run, record, images, labels):
    """The latent codes of images (the mean code for a VAE), (N, 2)."""
    import torch
    import torch.nn.functional as F

    name, conditional, _ = _decoder_spec(record)
    model = run.models[name]
    with torch.no_grad():
        x = images.flatten(1)
        if record["family"] == "autoencoder":
            return model.encoder(images).numpy()
        if conditional:
            onehot = F.one_hot(labels, 10).to(x)
            x = torch.cat([x, onehot], 1)
        return model.encoder(x)[0].numpy()


def decode_float16(layers, z, labels=None, num_labels=0):
    """What gen-nn.js computes: float32 sums of float16 weights."""
    import numpy as np

    x = _inputs(np.asarray(z, dtype=np.float64), labels, num_labels)
    x = x.astype(np.float32)
    for layer in layers:
        w = layer["weight"].astype(np.float16).astype(np.float32)
        b = layer["bias"].astype(np.float16).astype(np.float32)
        x = _act(x @ w.T + b, layer["activation"])
    return x


def _inputs(z, labels, num_labels):
    import numpy as np

    if not num_labels:
        return z
    onehot = np.zeros((len(z), num_labels))
    onehot[np.arange(len(z)), np.asarray(labels)] = 1.0
    return np.concatenate([z, onehot], 1)


def _act(x, kind):
    import numpy as np

    if kind == "relu":
        return np.maximum(x, 0)
    if kind == "sigmoid":  # as exp(-x) overflows far out: 1 / inf = 0
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-x))
    return x


def round_float16(layers, inputs) -> list[dict]:
    """Round every layer to float16, compensating the rounding errors.

    Layer by layer: the layer is first refitted (least squares) to give
    the original layer's outputs from the rounded layers' inputs, then
    rounded column by column, each column's error spread over the
    columns not yet rounded in proportion to the inputs' correlations
    (GPTQ, Frantar et al. 2022). inputs: (N, in) points of the plane.
    """
    import numpy as np

    rounded = []
    exact = quant = np.asarray(inputs, dtype=np.float64)
    for layer in layers:
        w = np.concatenate([layer["weight"], layer["bias"][:, None]], 1)
        xe = np.concatenate([exact, np.ones((len(exact), 1))], 1)
        xq = np.concatenate([quant, np.ones((len(quant), 1))], 1)
        target = xe @ w.T
        gram = xq.T @ xq
        damp = 1e-4 * np.mean(np.diag(gram)) * np.eye(len(gram))
        fitted = np.linalg.solve(gram + damp, xq.T @ target + damp @ w.T).T
        q = _gptq(fitted, gram)
        out = {
            "weight": q[:, :-1],
            "bias": q[:, -1],
            "activation": layer["activation"],
        }
        rounded.append(out)
        exact = _act(xe @ w.T, layer["activation"])
        quant = _act(xq @ q.T, layer["activation"])
    return rounded


def _gptq(w, gram, damping: float = 0.01):
    """w (out, in) rounded to float16 column by column (GPTQ)."""
    import numpy as np

    w = w.copy()
    h = gram + damping * np.mean(np.diag(gram)) * np.eye(len(gram))
    # the upper Cholesky factor of H^-1 gives every step's update
    inv = np.linalg.inv(h)
    u = np.linalg.cholesky(inv).T
    out = np.empty_like(w)
    for i in range(w.shape[1]):
        col = w[:, i]
        q = col.astype(np.float16).astype(np.float64)
        out[:, i] = q
        err = (col - q) / u[i, i]
        w[:, i + 1 :] -= np.outer(err, u[i, i + 1 :])
    return out


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

    _, conditional, _ = _decoder_spec(record)
    num_labels = 10 if conditional else 0
    test = data.load(record["config"].get("dataset", "fashion-mnist"), "test")
    n = min(CODES[record["family"]], len(test.images))
    images, labels = test.images[:n], test.labels[:n]
    codes = encode(run, record, images, labels)
    if codes.shape[1] != 2:
        raise ExportError(
            f"run {record['run']!r} has a {codes.shape[1]}-D latent space; "
            "the explorer shows a plane (2-D)"
        )
    low, high = _view_box(codes, prior=record["family"] != "autoencoder")
    rng = np.random.default_rng(0)
    z = rng.uniform(low, high, (CALIBRATION, 2))
    y = np.arange(CALIBRATION) % 10 if conditional else None
    layers = decoder_layers(run, record)
    exact_check = _grid(low, high, 16)  # 256 points over the plane
    check_labels = np.arange(len(exact_check)) % 10 if conditional else None
    rounded = round_float16(layers, _inputs(z, y, num_labels))
    ours = decode_float16(rounded, exact_check, check_labels, num_labels)
    theirs = torch_decode(run, record, exact_check, check_labels)
    error = float(np.abs(ours - theirs).max())
    if error > TOLERANCE:
        raise ExportError(
            f"run {record['run']!r}: the float16 decoder is {error:.2g} "
            f"from PyTorch's (more than {TOLERANCE:g})"
        )
    blocks = Blocks()
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
            "prior": record["family"] != "autoencoder",
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
    from ..plots.widgets import replay_unit

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
    blocks = Blocks()
    blocks.add("steps", steps.astype(np.uint32))
    # the plane [-limit, limit]^2 in 255 steps: about a pixel on screen
    q = np.rint((points + limit) / (2 * limit) * 255)
    blocks.add("points", np.clip(q, 0, 255).astype(np.uint8))
    blocks.add("view", np.rint(unit * 255).astype(np.uint8))
    extra = {
        "dataset": dataset,
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
