"""Two cold builds of one commit give the same site byte for byte, but for
the dates and the measured seconds in provenance. Before, notebooks
carried random cell ids and execution timestamps."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow
DATE = re.compile(rb"\d{4}-\d{2}-\d{2}")
# a number, a space (plain, no-break, or jieba's zero-width one, raw or
# escaped in JSON), then s or 秒
SPACE = rb"(?: |\xc2\xa0|\xe2\x80\x8b|\\u200b)*"
SECONDS = [
    re.compile(rb'"seconds[a-z_]*": [0-9.e+-]+'),  # records
    re.compile(
        rb"\d+(\.\d+)?" + SPACE + rb"(s|\xe7\xa7\x92|\\u79d2)(?![a-z])"
    ),
]


def normalised(data: bytes, name: str) -> bytes:
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    if name.endswith((".png", ".woff2", ".ico")):
        return data
    data = DATE.sub(b"<date>", data)
    for pattern in SECONDS:
        data = pattern.sub(b"<seconds>", data)
    return data


def test_a_second_cold_build_gives_the_same_site(built_site, tools, tmp_path):
    site = tmp_path / "site"
    env = tools.environment(tools.ROOT, GEN_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("PYTHONPATH")
    env.pop("GEN_DEVICE")  # as the suite's own build: the automatic choice
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(site),
        ],
        cwd=tools.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    first = {
        p.relative_to(built_site) for p in built_site.rglob("*") if p.is_file()
    }
    second = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    assert first == second, (sorted(first - second), sorted(second - first))
    differ = []
    for rel in sorted(first):
        a, b = (built_site / rel).read_bytes(), (site / rel).read_bytes()
        if normalised(a, rel.name) != normalised(b, rel.name):
            differ.append(str(rel))
    assert not differ, f"{len(differ)} files differ: {differ[:20]}"
