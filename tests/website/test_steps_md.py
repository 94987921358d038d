"""`{{ steps_table PROFILE }}`: the samplers' quality against their
steps over the benchmark's held-out seeds, from the runs' sweeps."""

from __future__ import annotations

import pytest

from gen_src.website import benchmark_md, steps_md


def _run(seed, shares):
    return {
        "seed": seed,
        "sweep": {
            "ddpm": {str(n): [8, h] for n, h in shares.items()},
            "ddim": {"1": [0, 0.0]},
        },
    }


ROWS = [
    {
        "method": "diffusion",
        "dataset": "ring",
        "runs": [_run(5, {1: 0.0, 10: 0.5}), _run(6, {1: 0.0, 10: 0.7})],
    },
    {"method": "nonsaturating", "dataset": "ring", "runs": [{"seed": 5}]},
]


@pytest.fixture
def bench(monkeypatch):
    data = {"rows": ROWS, "seeds": 2, "first_seed": 5, "profile": "full"}
    monkeypatch.setattr(
        steps_md,
        "load_bench",
        lambda profile: data if profile == "full" else None,
    )


def test_each_sampler_gets_a_row_of_its_steps(bench):
    found, _ = steps_md.sweeps("full")
    assert set(found) == {("diffusion", "ring")}  # no GAN
    assert found["diffusion", "ring"]["ddpm"] == {
        1: [0.0, 0.0],
        10: [0.5, 0.7],
    }
    html = steps_md.table_html("full", "en")
    assert "<th>10</th>" in html and "60.0 ± 10.0" in html
    assert "DDPM" in html and "DDIM" in html and "seeds 5–6" in html
    zh = steps_md.table_html("full", "zh")
    assert "留出种子 5–6" in zh and "环形" in zh


def test_a_missing_benchmark_names_the_command(bench):
    with pytest.raises(benchmark_md.TableError, match="--first-seed 5"):
        steps_md.sweeps("quick")


def test_the_pages_tables_read_committed_sweeps():
    for profile in ("quick", "full"):
        found, data = steps_md.sweeps(profile)
        assert data["first_seed"] == 5
        for method in ("diffusion", "flow-matching"):
            for dataset in ("ring", "grid"):
                samplers = found[method, dataset]
                assert all(
                    len(s[100]) == data["seeds"] for s in samplers.values()
                )
