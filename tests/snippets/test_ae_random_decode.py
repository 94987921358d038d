import pytest


def test_random_points_fall_between_the_codes(
    program, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    png = tmp_path / "random.png"
    out = program.main(points=200, out=str(png), device="cpu")
    assert out["images_shape"] == [200, 1, 28, 28]
    assert all(lo < hi for lo, hi in zip(out["low"], out["high"]))
    # uniform points in the box land farther from real codes than real
    # codes are from each other: the space has holes
    assert out["ratio"] > 1.0
    assert out["gap"] == pytest.approx(out["ratio"] * out["spacing"])
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "random z to nearest code" in capsys.readouterr().out
