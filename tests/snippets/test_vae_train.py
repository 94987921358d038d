import math

import pytest


def test_prints_the_test_nelbo_every_epoch(program, monkeypatch, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = program.main(latent_dim=4, num_epochs=2, device="cpu")
    assert out["num_epochs"] == 2
    nelbo = out["test_nelbo"]
    assert len(nelbo) == 2
    # learning: below a coin-flip decoder (784 log 2 nats) and improving
    assert nelbo[1] < nelbo[0] < 784 * math.log(2)
    for n, r, k in zip(nelbo, out["test_recon"], out["test_kl"]):
        assert n == pytest.approx(r + k)
    printed = capsys.readouterr().out
    assert printed.count("test -ELBO") == 2
    assert f"{nelbo[-1]:.1f}" in printed


def test_unknown_profile_is_refused(program):
    with pytest.raises(ValueError, match="profile='turbo'"):
        program.main(profile="turbo")


def test_the_page_loop_is_the_loop_that_trained_the_figures(program):
    """The snippet's loop (shown on the VAE page) and vae.train give the
    same numbers bit for bit: same step, batches and seed."""
    from gen_src import vae

    out = program.main(num_epochs=1, profile="smoke", device="cpu")
    run = vae.train(
        vae.config_for("smoke", num_epochs=1), device="cpu", progress=False
    )
    assert out["test_nelbo"] == run.history["test_nelbo"]
    assert out["last_loss"] == run.history["loss"][-1]
