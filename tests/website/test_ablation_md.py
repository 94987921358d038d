"""{{ ablation_table GROUP }} and ablation: claims, from the JSON that
bench ablations writes."""

from __future__ import annotations

import json

import pytest

from gen_src import runtime
from gen_src.builder import bench_ablations
from gen_src.website import ablation_md, benchmark_md, claims_md


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "home", lambda: tmp_path)
    (tmp_path / "bench").mkdir()
    rows = []
    for i, variant in enumerate(bench_ablations.GROUPS["gamma"]):
        for dataset in ("ring", "grid"):
            runs = [
                {
                    "modes": 20 + i,
                    "high_quality": 0.5 + i / 10,
                    "reverse_kl": kl,
                }
                for kl in (0.1, 0.3)
            ]
            rows.append({"method": variant, "dataset": dataset, "runs": runs})
    data = {
        "profile": "quick",
        "seeds": 2,
        "first_seed": 0,
        "revision": "0123456789",
        "rows": rows,
    }
    (tmp_path / "bench" / "ablations-quick.json").write_text(json.dumps(data))
    return tmp_path


def test_a_group_is_a_table_of_its_variants_in_order(home):
    html = ablation_md.table_html("gamma", "en")
    order = [html.index(n) for n in ("γ = 0.1", "GAN + R1 + EMA", "γ = 10")]
    assert order == sorted(order)
    assert "<td><strong>22.0 ± 0.0</strong></td>" in html  # best modes
    assert "seeds 0–1, quick profile" in html and "0123456" in html
    assert "随机种子 0–1" in ablation_md.table_html("gamma", "zh")


def test_an_unknown_group_or_a_missing_variant_is_named(home):
    with pytest.raises(benchmark_md.TableError, match="'speed' is unknown"):
        ablation_md.table_html("speed", "en")
    with pytest.raises(benchmark_md.TableError, match="--methods pack1-"):
        ablation_md.table_html("r1_ema", "en")


def test_claims_read_the_ablations(home):
    where = "gan_remedies.md"
    assert claims_md._bench("ablation:quick:r1-10-ema:grid:modes", where) == 22
    claims_md.evaluate(
        "ablation:quick:r1-10-ema:ring:high_quality > "
        "ablation:quick:r1-0.1-ema:ring:high_quality", where, None, False,
    )  # fmt: skip
    (home / "bench" / "ablations-quick.json").unlink()
    with pytest.raises(claims_md.ClaimError, match="bench ablations"):
        claims_md._bench("ablation:quick:r1:grid:modes", where)
