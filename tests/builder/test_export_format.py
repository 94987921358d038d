"""The files of an export (export_format.py): aligned blocks, and a
manifest that is valid JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gen_src.builder import export_format


def test_the_manifest_is_valid_json_when_a_metric_is_infinite():
    """A run that found no mode has an infinite reverse KL: JSON has no
    Infinity, so the manifest holds null (the browser parses it)."""
    record = {"run": "x", "metrics": {"reverse_kl": float("inf")}, "h": [1]}
    plain = export_format.plain({**record, "history": [1, 2]})
    assert plain == {"run": "x", "metrics": {"reverse_kl": None}, "h": [1]}
    json.dumps(plain, allow_nan=False)


def test_blocks_are_aligned_little_endian_and_refuse_other_dtypes():
    blocks = export_format.Blocks()
    blocks.add("a", np.array([1, 2, 3], dtype=np.uint8))
    blocks.add("b", np.array([1.5], dtype=">f2"))
    assert blocks.index["b"]["offset"] % export_format.ALIGN == 0
    assert blocks.index["b"]["dtype"] == "float16"
    data = blocks.bytes()
    start = blocks.index["b"]["offset"]
    assert np.frombuffer(data[start:], "<f2")[0] == 1.5
    blocks.add("c", np.array([0.1], dtype=">f8"))  # a sampler's schedule
    start = blocks.index["c"]["offset"]
    assert start % export_format.ALIGN == 0
    assert np.frombuffer(blocks.bytes()[start:], "<f8")[0] == 0.1
    with pytest.raises(TypeError, match="int64"):
        blocks.add("d", np.zeros(2, dtype=np.int64))
