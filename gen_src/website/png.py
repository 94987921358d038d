"""Pictures published smaller, without visible loss: PNG, re-encoded.

matplotlib writes every figure as 8-bit RGBA with no filtering choice.
Before a picture enters the site (trained figures, notebook outputs) it is
written again, and the smallest of these is kept:

- grayscale (sample grids, manifolds): an 8-bit gray PNG; lossless;
- at most 256 colours: a palette PNG with exactly those colours (sorted by
  lightness, so that PNG's row filters work on it); lossless;
- more colours (scatter plots with transparency, antialiased curves):
  256 colours by median cut, only if the result is within MIN_PSNR of the
  original (an error that stays under about 1% of the brightness range on
  average) and adds no bands (see `bands`): a smooth gradient, such as a
  heat map and its colour bar, would show steps where the original has
  none, so such a picture stays in full colour (compared by eye: the
  scatter and loss figures look the same quantised, the heat map's
  colour bar did not); otherwise full colour;
- the original file, when nothing above is smaller.

Every browser shows all of these. Results are cached by the source's
bytes under the cache folder (png/), so a warm build re-encodes nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np

VERSION = "2"  # change to re-encode every cached picture
MIN_PSNR = 38.0  # dB, for the quantised candidate only
# Steps `bands` may find, per pixel: the loss curves have up to about 1e-4
# (no visible difference), the heat maps 1e-3 or more (visible bands).
MAX_BANDS = 2e-4
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _filtered(rows: np.ndarray, bpp: int) -> np.ndarray:
    """Each row with the PNG filter whose output is smallest in absolute
    value (the usual heuristic); the filter's number first."""
    x = rows.astype(np.int16)
    left = np.zeros_like(x)
    left[:, bpp:] = x[:, :-bpp]
    up = np.zeros_like(x)
    up[1:] = x[:-1]
    upleft = np.zeros_like(x)
    upleft[1:, bpp:] = x[:-1, :-bpp]
    p = left + up - upleft
    pa, pb, pc = np.abs(p - left), np.abs(p - up), np.abs(p - upleft)
    paeth = np.where(
        (pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, upleft)
    )
    options = np.stack(
        [x, x - left, x - up, x - ((left + up) >> 1), x - paeth]
    ).astype(np.uint8)  # modulo 256
    cost = np.abs(options.view(np.int8).astype(np.int32)).sum(axis=2)
    best = cost.argmin(axis=0)
    out = np.empty((rows.shape[0], rows.shape[1] + 1), np.uint8)
    out[:, 0] = best
    out[:, 1:] = options[best, np.arange(rows.shape[0])]
    return out


def encode(
    pixels: np.ndarray,
    color_type: int,
    palette: np.ndarray | None = None,
    filtered: bool = True,
) -> bytes:
    """A PNG of 8-bit pixels: color_type 0 (gray, HxW), 2 (RGB, HxWx3) or
    3 (palette indices, HxW, with palette Nx3)."""
    h, w = pixels.shape[:2]
    bpp = 1 if pixels.ndim == 2 else pixels.shape[2]
    rows = np.ascontiguousarray(pixels).reshape(h, w * bpp)
    if filtered:
        raw = _filtered(rows, bpp)
    else:
        raw = np.concatenate([np.zeros((h, 1), np.uint8), rows], axis=1)
    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    out = SIGNATURE + _chunk(b"IHDR", header)
    if palette is not None:
        out += _chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9)
    data = packer.compress(raw.tobytes()) + packer.flush()
    return out + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def _by_lightness(palette: np.ndarray, indices: np.ndarray):
    lightness = palette.astype(np.int64) @ np.array([299, 587, 114])
    order = np.argsort(lightness, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return palette[order], rank[indices].astype(np.uint8)


def _paletted(indices, palette) -> list[bytes]:
    palette, indices = _by_lightness(palette, indices)
    return [
        encode(indices, 3, palette, filtered=True),
        encode(indices, 3, palette, filtered=False),
    ]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def bands(original: np.ndarray, quantised: np.ndarray, run: int = 3) -> int:
    """Steps the quantised picture adds inside smooth areas: neighbouring
    pixels (along rows and along columns) where the original changes by
    at most 3 levels a step for `run` steps on either side, and the
    quantised picture jumps by 6 levels or more. A banded gradient has
    many; scattered dots and curves (edges everywhere) have few."""
    a16 = original.astype(np.int16)
    b16 = quantised.astype(np.int16)
    count = 0
    for axis in (0, 1):
        a = np.moveaxis(a16, axis, 0)
        b = np.moveaxis(b16, axis, 0)
        smooth = np.abs(np.diff(a, axis=0)).max(axis=-1) <= 3
        jump = np.abs(np.diff(b, axis=0)).max(axis=-1) >= 6
        around = smooth.copy()
        for k in range(1, run + 1):
            before = np.zeros_like(smooth)
            before[k:] = smooth[:-k]
            after = np.zeros_like(smooth)
            after[:-k] = smooth[k:]
            around &= before & after
        count += int((jump & around).sum())
    return count


def shrink(data: bytes) -> bytes:
    """The smallest PNG that looks like data (see the module's doc)."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.load()
    candidates = [data]
    if image.mode not in ("RGB", "RGBA", "L", "P", "LA"):
        return data
    rgba = np.asarray(image.convert("RGBA"))
    if (rgba[..., 3] != 255).any():
        return data  # transparency: left as it is
    rgb = np.ascontiguousarray(rgba[..., :3])
    if (rgb[..., 0] == rgb[..., 1]).all() and (
        rgb[..., 1] == rgb[..., 2]
    ).all():
        gray = Image.fromarray(np.ascontiguousarray(rgb[..., 0]), "L")
        buffer = io.BytesIO()
        gray.save(buffer, "PNG", optimize=True)
        candidates.append(buffer.getvalue())
    else:
        packed = (
            (rgb[..., 0].astype(np.uint32) << 16)
            | (rgb[..., 1].astype(np.uint32) << 8)
            | rgb[..., 2]
        )
        colours, indices = np.unique(packed.ravel(), return_inverse=True)
        if len(colours) <= 256:
            palette = np.stack(
                [(colours >> 16) & 255, (colours >> 8) & 255, colours & 255],
                axis=1,
            )
            candidates += _paletted(indices.reshape(packed.shape), palette)
        else:
            quantised = Image.fromarray(rgb, "RGB").quantize(
                256, method=Image.Quantize.MEDIANCUT
            )
            approx = np.asarray(quantised.convert("RGB"))
            if (
                psnr(approx, rgb) >= MIN_PSNR
                and bands(rgb, approx)
                <= MAX_BANDS * rgb.shape[0] * rgb.shape[1]
            ):
                used = np.asarray(quantised)
                palette = np.array(quantised.getpalette()[: 3 * 256])
                palette = palette.reshape(-1, 3)[: int(used.max()) + 1]
                candidates += _paletted(used, palette)
            buffer = io.BytesIO()
            Image.fromarray(rgb, "RGB").save(buffer, "PNG", optimize=True)
            candidates.append(buffer.getvalue())
    return min(candidates, key=len)


def shrunk(src: Path, cache_dir: Path) -> Path:
    """The published copy of the PNG src: made once, then cached under
    cache_dir/png/ by src's bytes (a damaged copy is made again)."""
    data = Path(src).read_bytes()
    digest = hashlib.sha256(VERSION.encode() + data).hexdigest()[:20]
    folder = Path(cache_dir) / "png"
    for path in folder.glob(f"{digest}-*.png"):
        stored = path.read_bytes()
        if path.stem.endswith(hashlib.sha256(stored).hexdigest()[:12]):
            return path
        path.unlink(missing_ok=True)  # damaged: made again below
    out = shrink(data)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}-{hashlib.sha256(out).hexdigest()[:12]}.png"
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(out)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target
