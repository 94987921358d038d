"""python -m gen_src bench ablations: the remedies' ingredients apart."""

from __future__ import annotations

import json

from gen_src.builder import bench_ablations, bench_modes


def test_every_grouped_variant_exists_and_builds_its_config():
    for group, names in bench_ablations.GROUPS.items():
        for name in names:
            assert name in bench_ablations.VARIANTS, (group, name)
    for name in bench_ablations.VARIANTS:
        config = bench_modes.method_config(
            name, "grid", "quick", 0, "ablations"
        )
        assert config.dataset == "grid"


def test_packs_counted_as_packs_multiply_the_batch_and_keep_the_verdicts():
    by_points = bench_modes.method_config(
        "pack4-points-lr0.002", "ring", "quick", 0, "ablations"
    )
    by_packs = bench_modes.method_config(
        "pack4-packs-lr0.002", "ring", "quick", 0, "ablations"
    )
    plain = bench_modes.method_config("nonsaturating", "ring", "quick")
    assert by_points.batch_size == plain.batch_size  # B/m packs
    assert by_packs.batch_size == 4 * plain.batch_size  # B packs of 4
    assert by_packs.batch_size // by_packs.pack == plain.batch_size
    low = bench_modes.method_config(
        "pack2-packs-lr0.0001", "ring", "full", 0, "ablations"
    )
    assert low.lr == 1e-4 and low.batch_size == 2 * 512


def test_the_ingredients_are_apart():
    get = bench_ablations.VARIANTS
    assert get["r1"][1] == {"r1": 1.0} and get["ema"][1] == {"g_ema": 0.99}
    assert get["wgan-gp-ema"][0] == "wgan" and get["sn"][0] == "sngan"


def test_a_smoke_ablation_writes_its_own_json(tmp_path, monkeypatch):
    from gen_src.builder import bench

    monkeypatch.setattr(bench, "out_dir", lambda: tmp_path)
    rows = bench_modes.modes(
        "smoke", seeds=2, workers=1, methods=["r1", "sn"], datasets=("ring",),
        table="ablations",
    )  # fmt: skip
    written = json.loads((tmp_path / "ablations-smoke.json").read_text())
    assert [r["method"] for r in written["rows"]] == ["r1", "sn"]
    assert written["rows"] == json.loads(json.dumps(rows))
    sn = written["rows"][1]
    assert [r["stacked"] for r in sn["runs"]] == [1, 1]  # alone
    assert [r["stacked"] for r in written["rows"][0]["runs"]] == [2, 2]
    assert not (tmp_path / "modes-smoke.json").exists()


def test_held_out_seeds_go_to_a_json_of_their_own(tmp_path, monkeypatch):
    from gen_src.builder import bench

    monkeypatch.setattr(bench, "out_dir", lambda: tmp_path)
    bench_modes.modes(
        "smoke", seeds=1, workers=1, methods=["minimax"], datasets=("ring",),
        first_seed=5,
    )  # fmt: skip
    written = json.loads((tmp_path / "modes-smoke-seeds5.json").read_text())
    assert written["first_seed"] == 5
    assert written["rows"][0]["seeds"] == [5]
