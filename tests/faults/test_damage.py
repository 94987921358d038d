"""Damaged cache entries, written byte by byte as a crash or a bad disk
would leave them: each is found by its checksum or its shape, made again
with a warning, and never published. Before, a record of the wrong shape
crashed every build, and a truncated picture or notebook was published."""

from __future__ import annotations

import json
import logging

import pytest

from gen_src.builder import pipeline

FIGURE, RUN = "gan_ring_training", "toy_ring_ns"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def pipe(tmp_path):
    return pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=tmp_path / "cache")
    )


def _redrawn(pipe, caplog):
    fresh = pipeline.Pipeline(pipe.settings)  # a later build
    with caplog.at_level(logging.WARNING, logger="gen_src.pipeline"):
        result = fresh.figure(FIGURE)
    return result, caplog.text


@pytest.mark.parametrize(
    "damage",
    [
        ("record.json", b"[]"),  # valid JSON, the wrong shape
        ("record.json", b'{"figure": "gan_ring_training"'),  # cut short
        ("figure.png", PNG_SIGNATURE),  # a valid signature, then nothing
        ("figure.png", b""),
        ("checksums.json", b"{}"),
    ],
    ids=lambda d: f"{d[0]}={d[1][:12]!r}",
)
def test_a_damaged_figure_is_drawn_again(pipe, caplog, damage):
    name, content = damage
    first = pipe.figure(FIGURE)
    (first.png.parent / name).write_bytes(content)
    again, log = _redrawn(pipe, caplog)
    assert again.trained, "the damaged entry was used"
    assert "damaged" in log and FIGURE in log
    assert again.png.read_bytes() == first.png.read_bytes()  # the same
    json.loads(again.png.with_name("record.json").read_text())


def test_damaged_weights_are_trained_again(pipe, caplog):
    pipe.figure(FIGURE)
    profile, key = pipe._locate_run(RUN)
    weights = pipe.cache.run_dir(RUN, profile, key) / "weights.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])  # a truncated write
    fresh = pipeline.Pipeline(pipe.settings)
    with caplog.at_level(logging.WARNING, logger="gen_src.pipeline"):
        run, record = fresh.run(RUN)
    assert "damaged" in caplog.text and "weights.safetensors" in caplog.text
    assert weights.read_bytes() == data  # trained again, bit for bit


def test_a_run_record_of_the_wrong_shape_is_not_used(pipe, caplog):
    pipe.figure(FIGURE)
    profile, key = pipe._locate_run(RUN)
    record = pipe.cache.run_dir(RUN, profile, key) / "record.json"
    record.write_bytes(b"[]")
    fresh = pipeline.Pipeline(pipe.settings)
    with caplog.at_level(logging.WARNING, logger="gen_src.pipeline"):
        assert fresh.record(RUN)["run"] == RUN  # trained again
    assert "damaged" in caplog.text


def test_a_truncated_notebook_is_made_again(pipe, tmp_path, caplog, tools):
    from gen_src.builder import notebook_source, notebooks

    script = tmp_path / "tiny.py"
    script.write_text(
        "# %% [markdown]\n# # Tiny\n\n# %%\nprint(6 * 7)\n", encoding="utf-8"
    )
    source = notebook_source.Source("tiny", "en", script)
    first = notebooks.build_sources(pipe, {"en": source}, "")["tiny", "en"]
    assert first.made
    text = first.ipynb.read_bytes()
    first.ipynb.write_bytes(text[: len(text) // 3])
    with caplog.at_level(logging.WARNING, logger="gen_src.notebooks"):
        again = notebooks.build_sources(pipe, {"en": source}, "")
    assert again["tiny", "en"].made and "damaged" in caplog.text
    assert again["tiny", "en"].ipynb.read_bytes() == text
