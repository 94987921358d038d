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


def test_many_colours_quantised_only_when_close_and_unbanded():
    rng = np.random.default_rng(4)
    # scattered dots with transparency (as in the latent-space figures):
    # thousands of blended colours, edges everywhere: quantised
    dots = np.full((160, 200, 3), 255.0)
    tab = rng.integers(0, 256, (10, 3)).astype(float)
    y, x = np.mgrid[0:160, 0:200]
    for cx, cy, c in zip(
        rng.uniform(0, 200, 900),
        rng.uniform(0, 160, 900),
        rng.integers(0, 10, 900),
    ):
        inside = (x - cx) ** 2 + (y - cy) ** 2 <= 6.25
        dots[inside] = 0.7 * tab[c] + 0.3 * dots[inside]
    dots = dots.round().astype(np.uint8)
    assert len(np.unique(dots.reshape(-1, 3), axis=0)) > 256
    out = png.shrink(png_bytes(rgba(dots)))
    assert Image.open(io.BytesIO(out)).mode == "P"
    assert png.psnr(pixels(out), dots) >= png.MIN_PSNR
    # a heat map and its colour bar (viridis-like, blended): close enough
    # on average, but 256 colours would show bands, so it is kept exact
    anchors = np.array(
        [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98]]
        + [[253, 231, 37]],
        float,
    )

    def colour(t):
        at = np.linspace(0, 1, len(anchors))
        return np.stack(
            [np.interp(t, at, anchors[:, i]) for i in range(3)], axis=-1
        )

    y, x = np.mgrid[0:200, 0:240]
    heat = colour(np.exp(-((x - 80) ** 2 + (y - 100) ** 2) / 2000.0))
    heat[:, 200:] = 255
    heat[20:180, 210:225] = colour(np.linspace(1, 0, 160))[:, None]
    heat = heat.round().astype(np.uint8)
    assert len(np.unique(heat.reshape(-1, 3), axis=0)) > 256
    quantised = np.asarray(
        Image.fromarray(heat)
        .quantize(256, method=Image.Quantize.MEDIANCUT)
        .convert("RGB")
    )
    assert png.psnr(quantised, heat) >= png.MIN_PSNR  # not the reason
    assert png.bands(heat, quantised) > png.MAX_BANDS * heat[..., 0].size
    out = png.shrink(png_bytes(rgba(heat)))
    assert (pixels(out) == heat).all()
    noise = rng.integers(0, 256, (60, 60, 3), np.uint8)
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
