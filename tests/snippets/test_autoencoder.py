def test_trains_and_reports_the_test_error(program, monkeypatch, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = program.main(latent_dim=3, num_epochs=2, device="cpu")
    assert out["latent_dim"] == 3 and out["num_epochs"] == 2
    errors = out["test_recon"]
    assert len(errors) == 2
    # below a blank guess (~130 per image) and improving
    assert 0 < errors[1] < errors[0] < 130
    printed = capsys.readouterr().out
    assert printed.count("test error") == 2
    assert f"{errors[1]:.2f} per image" in printed


def test_the_page_loop_is_the_loop_that_trained_the_figures(program):
    from gen_src import autoencoder

    out = program.main(num_epochs=1, profile="smoke", device="cpu")
    run = autoencoder.train(
        autoencoder.config_for("smoke", num_epochs=1),
        device="cpu",
        progress=False,
    )
    assert out["test_recon"] == run.history["test_recon"]
