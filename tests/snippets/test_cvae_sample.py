import importlib.util
from pathlib import Path

import pytest

SNIPPET = Path(__file__).resolve().parents[2] / "snippets" / "cvae_sample.py"


def load():
    spec = importlib.util.spec_from_file_location("snip_cvae_sample", SNIPPET)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
