from gen_src import snippet

SNIPPET = snippet.path("optimal_discriminator")


def test_trained_d_matches_the_formula(program, monkeypatch, capsys):
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = program.main()
    assert "D*(x)" in capsys.readouterr().out
    assert out["max_error"] < 0.06
    assert out["mean_error"] < 0.03


def test_other_distributions(program, monkeypatch):
    # p_g to the right of p_data this time: D* falls where it rose before
    monkeypatch.setenv("GEN_PROFILE", "smoke")
    out = program.main(mean_data=-1.0, std_data=0.7, mean_g=0.5, std_g=0.6)
    assert out["max_error"] < 0.06


def test_unknown_option_names_the_options():
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, str(SNIPPET), "--bogus", "1"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "--mean-data" in proc.stderr
