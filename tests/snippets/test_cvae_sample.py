import pytest


def test_samples_one_class(program, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    png = tmp_path / "bags.png"
    out = program.main(label="Bag", count=5, out=str(png), device="cpu")
    assert out["label"] == 8
    assert out["shape"] == [5, 1, 28, 28]
    assert 0.0 <= out["min"] <= out["max"] <= 1.0
    assert 0.0 <= out["share"] <= 1.0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "5 samples of 'Bag'" in capsys.readouterr().out


def test_unknown_label_names_the_classes(program):
    with pytest.raises(ValueError, match="label='Hat'.*Sneaker"):
        program.main(label="Hat")
