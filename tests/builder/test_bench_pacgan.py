"""python -m gen_src bench modes --protocol pacgan: Table 1 of PacGAN."""

from __future__ import annotations

import json

import pytest

from gen_src.builder import bench_command, bench_pacgan, cli

SMALL = dict(num_examples=200, g_width=8, d_width=8)


def test_a_small_reproduction_writes_its_json(tmp_path, monkeypatch):
    from gen_src.builder import bench

    monkeypatch.setattr(bench, "out_dir", lambda: tmp_path)
    out = bench_pacgan.reproduce(
        epochs=1, trials=2, device="cpu", workers=1,
        datasets=("ring",), packs=(1, 2), overrides=SMALL,
    )  # fmt: skip
    written = json.loads((tmp_path / "pacgan-protocol.json").read_text())
    assert written == json.loads(json.dumps(out))
    assert written["epochs"] == 1 and written["trials"] == 2
    assert written["paper_epochs"] == 400 and written["device"].startswith(
        "CPU"
    )
    assert written["settings"]["num_examples"] == 200
    assert [r["method"] for r in written["rows"]] == ["gan", "pacgan2"]
    for row in written["rows"]:
        assert [r["seed"] for r in row["runs"]] == [0, 1]
        assert row["paper"]["modes"] in (6.3, 7.9)  # Lin et al.'s ring rows
        values = [r["modes"] for r in row["runs"]]
        assert row["modes"]["mean"] == pytest.approx(sum(values) / 2)


def test_within_compares_a_row_with_the_papers_by_the_target():
    row = {
        "modes": {"mean": 7.5},
        "high_quality": {"mean": 0.90},
        "paper": {"modes": 7.9, "high_quality": 0.956},
    }
    assert bench_pacgan.within(row, "modes") is True  # 0.4 <= 0.5
    assert bench_pacgan.within(row, "high_quality") is False  # 5.6 points
    assert (
        bench_pacgan.within({**row, "modes": {"mean": None}}, "modes") is None
    )


@pytest.mark.parametrize(
    "words, named",
    [
        (["--protocol", "paper"], "protocol='paper' is unknown"),
        (["--protocol", "pacgan", "--epochs", "0"], "epochs=0"),
        (["--protocol", "pacgan", "--trials", "-1"], "trials=-1"),
        (["--trials", "3"], "add --protocol pacgan"),
    ],
)
def test_bad_input_gets_one_line_and_status_2(words, named, capsys):
    assert cli.main(["bench", "modes", *words]) == 2
    err = capsys.readouterr().err.strip()
    assert named in err and len(err.splitlines()) == 1


def test_the_protocols_are_site_and_pacgan():
    assert bench_command.PROTOCOLS == ("site", "pacgan")


def test_the_committed_reproduction_holds_todays_settings():
    """The page shows bench/pacgan-protocol.json: if the protocol's
    settings change, it must be run again."""
    from gen_src import config as cfg
    from gen_src import pacgan_protocol, runtime

    path = runtime.home() / "bench" / "pacgan-protocol.json"
    data = json.loads(path.read_text())
    now = cfg.as_dict(pacgan_protocol.ProtocolConfig(epochs=data["epochs"]))
    for field in ("dataset", "pack", "seed"):
        now.pop(field)
    assert data["settings"] == json.loads(json.dumps(now)), (
        "bench/pacgan-protocol.json trained with other settings than "
        "today's; run python -m gen_src bench modes --protocol pacgan"
    )
    assert {(r["method"], r["dataset"]) for r in data["rows"]} == {
        (m, d) for m in ("gan", "pacgan2", "pacgan3", "pacgan4")
        for d in ("ring", "grid")
    }  # fmt: skip
    assert all(len(r["runs"]) == data["trials"] for r in data["rows"])
