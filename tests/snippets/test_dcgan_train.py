import importlib.util
import math
from pathlib import Path

SNIPPET = Path(__file__).resolve().parents[2] / "snippets" / "dcgan_train.py"


def load():
    spec = importlib.util.spec_from_file_location("dcgan_train", SNIPPET)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dcgan_train(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out_file = tmp_path / "samples.png"
    out = load().main(out=str(out_file))
    assert out_file.read_bytes()[:4] == b"\x89PNG"
    assert out["steps"] > 0
    assert math.isfinite(out["d_loss"]) and math.isfinite(out["g_loss"])
    assert 0 < out["pixel_mean"] < 1
    assert f"{out['steps']} steps" in capsys.readouterr().out
