"""{{ pacgan_protocol_table }} and protocol: claims, from the JSON that
bench modes --protocol pacgan writes."""

from __future__ import annotations

import json

import pytest

from gen_src import runtime
from gen_src.website import benchmark_md, claims_md, protocol_md


def _row(method, dataset, modes, hq, kl, paper):
    runs = [{"seed": 0, "steps": 2000, "modes": modes}]
    return {
        "method": method,
        "dataset": dataset,
        "runs": runs,
        "modes": {"mean": modes, "se": 0.1},
        "high_quality": {"mean": hq, "se": 0.01},
        "reverse_kl": {"mean": kl, "se": None if kl is None else 0.02},
        "paper": dict(zip(("modes", "high_quality", "reverse_kl"), paper)),
    }


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "home", lambda: tmp_path)
    (tmp_path / "bench").mkdir()
    data = {
        "epochs": 2,
        "paper_epochs": 400,
        "trials": 10,
        "device": "CPU (1 threads)",
        "date": "2026-12-05",
        "revision": "abcdef123456",
        "rows": [
            _row("gan", "ring", 5.5, 0.5, 0.9, (6.3, 0.982, 0.45)),
            _row("pacgan4", "grid", 20.0, 0.25, None, (24.8, 0.936, 0.04)),
        ],
    }
    (tmp_path / "bench" / "pacgan-protocol.json").write_text(json.dumps(data))
    return tmp_path


def test_the_table_shows_each_row_beside_the_papers_and_says_what_ran(home):
    html = protocol_md.table_html("en")
    assert "<td>5.5 ± 0.1</td><td>6.3</td>" in html
    assert "<td>50.0 ± 1.0</td><td>98.2</td>" in html
    assert "<td>∞</td><td>0.04</td>" in html  # no sample of high quality
    assert "2 of their 400 epochs (2,000 updates" in html
    assert "10 trials" in html and "abcdef1" in html
    zh = protocol_md.table_html("zh")
    assert "400 轮中的 2 轮" in zh and "本站" in zh


def test_a_claim_reads_a_rows_mean_or_the_epochs(home):
    where = "gan_remedies.md"
    assert claims_md._protocol("protocol:gan:ring:modes", where) == 5.5
    assert claims_md._protocol("protocol:epochs", where) == 2
    assert claims_md._protocol("protocol:pacgan4:grid:reverse_kl", where) == (
        float("inf")
    )
    claims_md.evaluate(
        "protocol:gan:ring:modes < paper:lin2018:GAN:ring:modes", where, None,
        False,
    )  # fmt: skip
    with pytest.raises(claims_md.ClaimError, match="no longer holds"):
        claims_md.evaluate("protocol:epochs >= 400", where, None, False)
    with pytest.raises(claims_md.ClaimError, match="no 'protocol:gan:grid"):
        claims_md._protocol("protocol:gan:grid:modes", where)


def test_a_missing_or_broken_json_says_how_to_make_it(home):
    path = home / "bench" / "pacgan-protocol.json"
    path.write_text('{"rows": [{"modes": {}}]}')
    with pytest.raises(benchmark_md.TableError, match="run python -m gen_src"):
        protocol_md.load()
    path.unlink()
    with pytest.raises(benchmark_md.TableError, match="--protocol pacgan"):
        protocol_md.load()
