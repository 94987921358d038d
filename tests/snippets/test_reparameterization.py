import subprocess
import sys
from pathlib import Path

import pytest

from gen_src import snippet

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = snippet.path("reparameterization")


@pytest.mark.parametrize("mu, sigma", [(1.0, 0.5), (-2.0, 1.5)])
def test_gradients_flow_only_with_the_trick(program, mu, sigma):
    out = program.main(mu=mu, sigma=sigma, samples=200_000)
    assert out["exact_grad_mu"] == 2 * mu
    assert out["grad_mu"] == pytest.approx(2 * mu, abs=0.03 * (1 + sigma))
    assert out["grad_logvar"] == pytest.approx(sigma**2, rel=0.05, abs=0.01)
    assert out["direct_grad_mu"] == 0.0
    assert out["direct_grad_logvar"] == 0.0


def test_bad_sigma_is_refused(program):
    with pytest.raises(ValueError, match="sigma="):
        program.main(sigma=0.0)


def test_runs_from_the_command_line():
    done = subprocess.run(
        [sys.executable, str(SNIPPET), "--samples", "1000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "with the trick" in done.stdout
    bad = subprocess.run(
        [sys.executable, str(SNIPPET), "--sd", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0
    assert "--sigma" in bad.stderr and "--samples" in bad.stderr
