import pytest


def test_loss_parts_and_kl_estimates_agree(program, monkeypatch, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = program.main(batch=6, draws=4000, device="cpu")
    assert out["total"] == pytest.approx(out["recon"] + out["kl"])
    assert len(out["kl_exact"]) == len(out["kl_mc"]) == 6
    assert out["kl"] == pytest.approx(sum(out["kl_exact"]) / 6, rel=1e-5)
    for exact, mc in zip(out["kl_exact"], out["kl_mc"]):
        assert exact > 0
        assert mc == pytest.approx(exact, rel=0.1, abs=0.3)
    printed = capsys.readouterr().out
    assert "KL Monte Carlo" in printed
    assert len(printed.strip().splitlines()) == 2 + 6
