"""The files of one live figure's export: what the browser loads.

- a binary file of named blocks, packed one after the other (a decoder's
  float16 weights with the test images' codes, a replay's frames, or a
  sampler's float32 network and starting noise);
- a JSON manifest: the blocks (dtype, shape, offset), the sha256 of the
  binary file, what the kind adds (layers, view, ...), and the run's
  record (its config, metrics, device: the widget's provenance);
- the same two as one JavaScript file (the bytes in base64), which a page
  opened from disk (file://, where fetch fails) loads with a script tag.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from pathlib import Path

FORMAT = 1  # bump when the files change shape: the JS reads this
ALIGN = 8  # every block starts at a multiple of this many bytes
DTYPES = ("float16", "float32", "float64", "uint8", "uint32")


class Blocks:
    """Named arrays packed into one buffer, each at an aligned offset."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.index: dict[str, dict] = {}
        self.size = 0

    def add(self, name: str, array) -> None:
        import numpy as np

        array = np.ascontiguousarray(array)
        if array.dtype.name not in DTYPES:
            raise TypeError(f"block {name!r}: {array.dtype} not in {DTYPES}")
        pad = -self.size % ALIGN
        self.parts.append(b"\0" * pad)
        self.size += pad
        self.index[name] = {
            "dtype": array.dtype.name,
            "shape": list(array.shape),
            "offset": self.size,
        }
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        self.parts.append(data)
        self.size += len(data)

    def bytes(self) -> bytes:
        return b"".join(self.parts)


def write(folder: Path, stem, kind, record, blocks: Blocks, extra: dict):
    """data.bin, manifest.json and data.js into folder."""
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
        "record": plain(record),
    }
    text = json.dumps(
        manifest, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    (folder / "data.bin").write_bytes(data)
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    script = (
        "(window.genExplorerData=window.genExplorerData||{})"
        f"[{json.dumps(stem)}]={{manifest:{text},"
        f'data:"{base64.b64encode(data).decode("ascii")}"}};\n'
    )
    (folder / "data.js").write_text(script, encoding="utf-8")


def plain(record: dict) -> dict:
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
