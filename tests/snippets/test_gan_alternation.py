def test_alternation(program, monkeypatch, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = program.main(d_steps=2, prints=3)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["round", "L_D", "L_G", "D(x)", "D(G(z))"]
    assert len(lines) == 4  # header + 3 rows
    assert out["rounds"] == int(lines[-1].split()[0])
    assert 0 < out["d_real"] < 1 and 0 < out["d_fake"] < 1
    assert out["d_loss"] > 0


def test_g_heavy_order(program, monkeypatch):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    module = program
    a = module.main(order="g_heavy", g_steps=3, prints=1)
    b = module.main(prints=1)
    assert a["d_loss"] != b["d_loss"]


def test_the_page_loop_is_the_loop_that_trained_the_figures(program):
    """The alternation shown on the GAN page and gan.train: the same
    step, batches, seed and cool-down, so the same losses."""
    from gen_src import gan

    out = program.main(profile="smoke", d_steps=2)
    run = gan.train(
        gan.config_for("smoke", dataset="ring", d_steps=2),
        device="cpu",
        progress=False,
    )
    assert out["d_loss"] == run.history["d_loss"][-1]
    assert out["g_loss"] == run.history["g_loss"][-1]
