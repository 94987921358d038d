import math

import pytest

from gen_src import snippet


def load():
    return snippet.load("vae_train")


def test_prints_the_test_nelbo_every_epoch(monkeypatch, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = load().main(latent_dim=4, num_epochs=2, device="cpu")
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


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="profile='turbo'"):
        load().main(profile="turbo")
