
import pytest

from gen_src import snippet


def load():
    return snippet.load("cvae_sample")


def test_samples_one_class(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    png = tmp_path / "bags.png"
    out = load().main(label="Bag", count=5, out=str(png), device="cpu")
    assert out["label"] == 8
    assert out["shape"] == [5, 1, 28, 28]
    assert 0.0 <= out["min"] <= out["max"] <= 1.0
    assert 0.0 <= out["share"] <= 1.0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "5 samples of 'Bag'" in capsys.readouterr().out


def test_unknown_label_names_the_classes():
    with pytest.raises(ValueError, match="label='Hat'.*Sneaker"):
        load().main(label="Hat")
