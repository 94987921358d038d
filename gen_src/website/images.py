"""Every <img> on a page gets its width and height, so nothing jumps.

Without them a browser lays the page out before the picture arrives and
moves everything below it when it does. With them (and Material's
`height: auto`) it keeps the right box from the start. A width the page
gives in percent (`{ width="80%" }`) moves to the style attribute, where
it still sets the size; the attributes then state the picture's own
pixels. Pictures are found among the build's files (figures, notebook
outputs, hand-made SVG diagrams); remote ones are left alone.
"""

from __future__ import annotations

import html
import posixpath
import re
import struct
from pathlib import Path
from urllib.parse import unquote, urlsplit

IMG = re.compile(r"<img\b([^>]*?)(\s*/?)>", re.S)
ATTR = re.compile(r"""(\w[\w:-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
NUMBER = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")


def png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def svg_size(text: str) -> tuple[int, int] | None:
    root = re.search(r"<svg\b([^>]*)>", text, re.S)
    if root is None:
        return None
    attrs = _attrs(root.group(1))
    width, height = attrs.get("width"), attrs.get("height")
    if width and height:
        w, h = NUMBER.match(width), NUMBER.match(height)
        if w and h:
            return round(float(w.group(1))), round(float(h.group(1)))
    box = (attrs.get("viewBox") or attrs.get("viewbox") or "").split()
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            return None
    return None


def image_size(path: Path) -> tuple[int, int] | None:
    """A picture's size in pixels (PNG, SVG), or None."""
    try:
        if path.suffix.lower() == ".png":
            with path.open("rb") as f:
                return png_size(f.read(24))
        if path.suffix.lower() == ".svg":
            return svg_size(path.read_text("utf-8", "replace")[:4000])
    except OSError:
        return None
    return None


def _attrs(text: str) -> dict[str, str]:
    out = {}
    for name, value in ATTR.findall(text):
        if value[:1] in "\"'":
            value = value[1:-1]
        out[name] = html.unescape(value)
    return out


def _site_path(src: str, page_url: str) -> str | None:
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        return posixpath.normpath(path.lstrip("/"))
    base = (
        page_url
        if page_url.endswith("/") or not page_url
        else (posixpath.dirname(page_url) + "/")
    )
    joined = posixpath.normpath(posixpath.join(base, path))
    return None if joined.startswith("..") else joined


def sources(files) -> dict[str, Path]:
    """The build's files by their path in the site."""
    return {
        f.dest_uri: Path(f.abs_src_path)
        for f in files
        if getattr(f, "abs_src_path", None)
    }


def add_sizes(content: str, page_url: str, by_dest: dict[str, Path]) -> str:
    """Give every local <img> in content its width and height."""

    def one(match: re.Match) -> str:
        inner, close = match.group(1), match.group(2)
        attrs = _attrs(inner)
        if "src" not in attrs:
            return match.group(0)
        width = attrs.get("width", "")
        if NUMBER.match(width) and NUMBER.match(attrs.get("height", "")):
            return match.group(0)
        rel = _site_path(attrs["src"], page_url)
        src = by_dest.get(rel) if rel else None
        size = image_size(src) if src else None
        if size is None:
            return match.group(0)
        style = attrs.get("style", "").strip().rstrip(";")
        if width and not NUMBER.match(width):  # "80%": a style now
            style = (style + "; " if style else "") + f"width: {width}"
        if attrs.get("height") and not NUMBER.match(attrs["height"]):
            height = attrs["height"]
            style = (style + "; " if style else "") + f"height: {height}"
        kept = [
            (name, value)
            for name, value in attrs.items()
            if name not in ("width", "height", "style")
        ]
        kept += [("width", str(size[0])), ("height", str(size[1]))]
        if style:
            kept.append(("style", style))
        text = " ".join(f'{n}="{html.escape(v)}"' for n, v in kept)
        return f"<img {text}{close}>"

    return IMG.sub(one, content)
