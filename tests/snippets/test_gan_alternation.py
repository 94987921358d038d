from gen_src import snippet


def load():
    return snippet.load("gan_alternation")


def test_alternation(monkeypatch, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = load().main(d_steps=2, prints=3)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["round", "L_D", "L_G", "D(x)", "D(G(z))"]
    assert len(lines) == 4  # header + 3 rows
    assert out["rounds"] == int(lines[-1].split()[0])
    assert 0 < out["d_real"] < 1 and 0 < out["d_fake"] < 1
    assert out["d_loss"] > 0


def test_g_heavy_order(monkeypatch):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    module = load()
    a = module.main(order="g_heavy", g_steps=3, prints=1)
    b = module.main(prints=1)
    assert a["d_loss"] != b["d_loss"]
