"""Published pictures are smaller and look the same (website/png.py)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from gen_src.website import png


def png_bytes(pixels: np.ndarray, mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode).save(buffer, "PNG")
    return buffer.getvalue()


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def rgba(rgb: np.ndarray) -> np.ndarray:
    alpha = np.full(rgb.shape[:2] + (1,), 255, np.uint8)
    return np.concatenate([rgb, alpha], axis=2)


def test_gray_pictures_stay_exact_and_shrink():
    rng = np.random.default_rng(0)
    gray = (rng.random((60, 80)) * 4).astype(np.uint8) * 60  # a sample grid
    rgb = np.repeat(gray[..., None], 3, axis=2)
    data = png_bytes(rgba(rgb))
    out = png.shrink(data)
    assert len(out) < len(data)
    assert (pixels(out) == rgb).all()


def test_few_colours_become_an_exact_palette():
    rng = np.random.default_rng(1)
    colours = rng.integers(0, 256, (200, 3), dtype=np.uint8)
    rgb = colours[rng.integers(0, 200, (50, 70))]
    data = png_bytes(rgba(rgb))
    out = png.shrink(data)
    assert Image.open(io.BytesIO(out)).mode == "P"
    assert (pixels(out) == rgb).all()


def test_many_colours_quantised_only_when_close():
    y, x = np.mgrid[0:120, 0:160]
    smooth = np.stack(
        [x * 255 // 159, y * 255 // 119, (x + y) * 255 // 278], axis=2
    ).astype(np.uint8)  # a gradient with thousands of colours
    out = png.shrink(png_bytes(rgba(smooth)))
    assert png.psnr(pixels(out), smooth) >= png.MIN_PSNR
    noise = np.random.default_rng(2).integers(0, 256, (60, 60, 3), np.uint8)
    out = png.shrink(png_bytes(rgba(noise)))
    assert (pixels(out) == noise).all()  # no good palette: kept exact


def test_transparency_is_left_as_it_is():
    rgb = np.zeros((10, 10, 4), np.uint8)
    data = png_bytes(rgb)
    assert png.shrink(data) == data


def test_the_encoder_writes_what_pillow_reads():
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (17, 23, 3), dtype=np.uint8)
    for filtered in (True, False):
        assert (pixels(png.encode(rgb, 2, filtered=filtered)) == rgb).all()


def test_shrunk_copies_are_cached_and_checked(tmp_path):
    rgb = np.repeat(np.arange(64, dtype=np.uint8)[None, :, None], 3, axis=2)
    src = tmp_path / "figure.png"
    src.write_bytes(png_bytes(rgba(np.repeat(rgb, 32, axis=0))))
    first = png.shrunk(src, tmp_path)
    assert png.shrunk(src, tmp_path) == first
    first.write_bytes(first.read_bytes()[:20])  # damaged
    again = png.shrunk(src, tmp_path)
    assert (pixels(again.read_bytes()) == pixels(src.read_bytes())).all()
