"""Every picture on a page states its size (gen_src/website/images.py)."""

from __future__ import annotations

import re

from PIL import Image

from gen_src.website import images


def test_sizes_come_from_the_files_and_percent_widths_move_to_style(
    tmp_path,
):
    picture = tmp_path / "a.png"
    Image.new("RGB", (300, 120), "white").save(picture)
    diagram = tmp_path / "d.svg"
    diagram.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 640 480"><g/></svg>'
    )
    files = {"figures/a.png": picture, "zh/pics/d.svg": diagram}
    html = (
        '<img alt="A" src="../../figures/a.png" width="80%" />'
        '<img alt="D" src="../pics/d.svg">'
        '<img src="https://example.org/x.png">'
    )
    out = images.add_sizes(html, "zh/gan/", files)
    assert (
        '<img alt="A" src="../../figures/a.png" width="300" height="120" '
        'style="width: 80%" />' in out
    )
    assert 'width="640" height="480"' in out
    assert '<img src="https://example.org/x.png">' in out


def test_every_local_picture_on_the_built_site_has_its_size(built_site):
    missing = []
    for page in sorted(built_site.rglob("*.html")):
        for tag in re.findall(r"<img\b[^>]*>", page.read_text("utf-8")):
            src = re.search(r'src="([^"]+)"', tag)
            if (
                src is None
                or "://" in src.group(1)
                or src.group(1).startswith("data:")
            ):
                continue
            if not (
                re.search(r'\swidth="\d+"', tag)
                and re.search(r'\sheight="\d+"', tag)
            ):
                missing.append(f"{page.relative_to(built_site)}: {tag}")
    assert not missing, "\n".join(missing[:20])


def test_stated_sizes_match_the_pictures(built_site):
    checked = 0
    for page in sorted(built_site.rglob("*.html")):
        for tag in re.findall(r"<img\b[^>]*>", page.read_text("utf-8")):
            src = re.search(r'src="([^"#?]+\.png)"', tag)
            if src is None:
                continue
            path = (page.parent / src.group(1)).resolve()
            with Image.open(path) as im:
                size = im.size
            w = int(re.search(r'\swidth="(\d+)"', tag).group(1))
            h = int(re.search(r'\sheight="(\d+)"', tag).group(1))
            assert (w, h) == size, (page, tag)
            checked += 1
    assert checked > 10
