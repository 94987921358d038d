import math


def test_dcgan_train(program, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out_file = tmp_path / "samples.png"
    out = program.main(out=str(out_file))
    assert out_file.read_bytes()[:4] == b"\x89PNG"
    assert out["steps"] > 0
    assert math.isfinite(out["d_loss"]) and math.isfinite(out["g_loss"])
    assert 0 < out["pixel_mean"] < 1
    assert f"{out['steps']} steps" in capsys.readouterr().out
