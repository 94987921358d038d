"""python -m gen_src bench speed: a toy GAN's round alone and stacked."""

from __future__ import annotations

import pytest

from gen_src.builder import bench_speed


def test_it_prints_alone_and_stacked_per_round_for_each_stack(capsys):
    rows = bench_speed.speed("smoke", "cpu", rounds=20, stacks=(1, 3))
    assert [r["runs"] for r in rows] == [1, 3]
    for row in rows:
        assert row["alone_ms"] > 0 and row["stacked_ms"] > 0
    out = capsys.readouterr().out
    assert "alone ms/round" in out and "stacked ms/round" in out
    assert out.strip().splitlines()[-1].split()[0] == "3"


@pytest.mark.parametrize(
    "kwargs, named",
    [({"rounds": 0}, "rounds"), ({"profile": "fast"}, "profile")],
)
def test_bad_input_is_named(kwargs, named):
    with pytest.raises(ValueError, match=named):
        bench_speed.speed(**{"profile": "smoke", "device": "cpu", **kwargs})
