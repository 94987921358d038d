def test_gan_toy(program, monkeypatch, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = program.main(dataset="grid", loss="minimax")
    printed = capsys.readouterr().out
    assert f"{out['modes']} of 25" in printed
    assert out["num_modes"] == 25
    assert 0 <= out["high_quality"] <= 1
    assert " rounds in " in printed


def test_gan_toy_with_a_discriminator_ahead(program, monkeypatch, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = program.main(loss="minimax", d_steps=3)
    assert out["num_modes"] == 8 and 0 <= out["modes"] <= 8
    assert "of 8" in capsys.readouterr().out
