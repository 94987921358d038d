def test_shapes(program, capsys):
    shapes = program.main(latent_dim=20, channels=16, batch=5)
    printed = capsys.readouterr().out
    assert shapes["G"] == (5, 1, 28, 28)
    assert shapes["D"] == (5, 1, 1, 1)
    assert "(5, 32, 7, 7)" in printed and "(5, 16, 14, 14)" in printed
    assert printed.count("parameters") == 2
