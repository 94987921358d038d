def test_gan_losses(program, capsys):
    out = program.main(low=-8.0, high=2.0, points=6)
    printed = capsys.readouterr().out
    assert "log(1-D)" in printed and len(printed.splitlines()) == 7
    # at D(G(z)) ~ 0 the minimax slope vanishes; the other stays near -1
    assert out["D"][0] < 1e-3
    assert abs(out["minimax_grad"][0]) < 1e-3
    assert out["nonsaturating_grad"][0] < -0.99
    # at D = 1/2 they agree: both slopes are -1/2
    assert out["minimax_grad"][4] == out["nonsaturating_grad"][4] == -0.5
    # the minimax loss is log(1 - D) <= 0, the other -log D >= 0
    assert all(v <= 0 for v in out["minimax"])
    assert all(v >= 0 for v in out["nonsaturating"])
