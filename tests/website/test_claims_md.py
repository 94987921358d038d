"""{{ holds ... }}: sentences that compare numbers are checked by the build,
and the pages' claims hold against the committed benchmarks."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from gen_src.website import claims_md
from gen_src.website.page_context import PageContext

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(p for p in DOCS.glob("*.md") if not p.name.endswith(".zh.md"))


def _pipe(profile="quick", **metrics):
    records = {
        name: {"run": name, "profile": profile, "metrics": m}
        for name, m in metrics.items()
    }
    return types.SimpleNamespace(
        settings=types.SimpleNamespace(profile=profile),
        record=lambda name: records[name],
    )


PIPE = _pipe(dcgan={"frechet": 14.0}, gan_fmnist={"frechet": 89.0})


def test_a_claim_that_holds_leaves_no_trace():
    text = (
        "The DCGAN is closer.{{ holds dcgan metrics.frechet < "
        "gan_fmnist metrics.frechet }} Next."
    )
    assert claims_md.expand(
        text, PageContext("p.md", pipe=PIPE, serve=False)
    ) == ("The DCGAN is closer. Next.")


def test_a_claim_that_no_longer_holds_names_page_claim_and_values():
    text = "{{ holds dcgan metrics.frechet > gan_fmnist metrics.frechet }}"
    with pytest.raises(claims_md.ClaimError) as err:
        claims_md.expand(text, PageContext("p.md", pipe=PIPE, serve=False))
    message = str(err.value)
    assert message.startswith("docs/p.md: {{ holds dcgan metrics.frechet")
    assert "14 is not > gan_fmnist metrics.frechet = 89" in message
    assert "rewrite the sentence" in message


def test_under_serve_a_broken_claim_is_an_error_box():
    text = "{{ holds dcgan metrics.frechet > 100 }}"
    out = claims_md.expand(text, PageContext("p.md", pipe=PIPE, serve=True))
    assert out.startswith('<span class="figure-error">docs/p.md: ')


def test_claims_on_runs_wait_for_real_runs():
    # smoke runs train for seconds; with the pipeline off there are none
    text = "{{ holds dcgan metrics.frechet > 100 }}"
    smoke = _pipe("smoke", dcgan={"frechet": 14.0})
    assert (
        claims_md.expand(text, PageContext("p.md", pipe=smoke, serve=False))
        == ""
    )
    assert (
        claims_md.expand(text, PageContext("p.md", pipe=None, serve=False))
        == ""
    )


def test_benchmark_and_paper_operands(tmp_path, monkeypatch):
    from gen_src.website import benchmark_md

    rows = [
        {
            "method": "pacgan4",
            "dataset": "grid",
            "high_quality": [0.02, 0.01, 0.9],
            "modes": [19, 20, 25],
            "reverse_kl": [0.4, 0.5, 0.1],
        },
        {
            "method": "wgan-gp",
            "dataset": "grid",
            "high_quality": [0.8, 0.7, 0.9],
            "modes": [25, 25, 25],
            "reverse_kl": [0.01, 0.02, 0.03],
        },
        {
            "method": "diffusion",
            "dataset": "grid",
            "high_quality": [0.95, 0.96, 0.97],
            "modes": [25, 25, 25],
            "reverse_kl": [0.001, 0.002, 0.003],
        },
    ]
    for row in rows:
        seconds = [10, 20, 30] if row["method"] == "wgan-gp" else [1, 2, 3]
        row["runs"] = [
            {"high_quality": h, "modes": m, "reverse_kl": kl, "seconds": t}
            for h, m, kl, t in zip(
                row["high_quality"], row["modes"], row["reverse_kl"], seconds
            )
        ]
    monkeypatch.setattr(
        benchmark_md,
        "load_bench",
        lambda profile, held_out=True: (
            {"rows": rows} if profile == "full" and held_out else None
        ),
    )

    def holds(claim):
        claims_md.evaluate(claim, "here", None, check_runs=False)

    holds("bench:full:pacgan4:grid:failed == 2")
    holds("bench:full:pacgan4:grid:high_quality:max == 0.9")
    holds("bench:full:pacgan4:grid:modes:min < 19.5")
    holds("bench:full:pacgan4:grid:modes > 21")  # the mean, 21.33
    holds("bench:full:wgan-gp:grid:seconds == bench:full:max:grid:seconds")
    holds(
        "bench:full:wgan-gp:grid:reverse_kl == "
        "bench:full:min-gan:grid:reverse_kl"
    )
    holds("bench:full:max-gan:grid:high_quality == 0.8")  # WGAN-GP's mean
    holds("bench:full:max:grid:high_quality == 0.96")  # diffusion's
    holds("bench:full:min:grid:reverse_kl == 0.002")
    with pytest.raises(claims_md.ClaimError, match="no 'bench:full:max-vae"):
        holds("bench:full:max-vae:grid:modes > 1")
    # PacGAN4's grid row in Lin et al.: 93.6% as a share
    holds("paper:lin2018:PacGAN4:grid:high_quality == 0.936")
    with pytest.raises(claims_md.ClaimError, match="is not <"):
        holds("bench:full:pacgan4:grid:modes < paper:lin2018:GAN:grid:modes")
    with pytest.raises(claims_md.ClaimError, match="modes-quick-seeds5.json"):
        holds("bench:quick:pacgan4:grid:modes > 1")
    # tuning: the seeds the settings were chosen on, another file
    with pytest.raises(claims_md.ClaimError, match=r"modes-full\.json is"):
        holds("tuning:full:pacgan4:grid:modes > 1")
    with pytest.raises(claims_md.ClaimError, match="no published number"):
        holds("paper:lin2018:PacGAN9:grid:modes > 1")
    with pytest.raises(claims_md.ClaimError, match="LEFT OP RIGHT"):
        holds("bench:full:pacgan4:grid:modes 21")
    with pytest.raises(claims_md.ClaimError, match="not an operand"):
        holds("bench:full:pacgan4:grid:modes > many")


# -- the pages' claims -------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_pages_claims_on_the_benchmarks_hold(page):
    """Both profiles' committed JSON at once: a rerun that breaks a
    sentence fails here, naming it (claims on runs: at build time)."""
    for path in (page, page.with_suffix(".zh.md")):
        for claim in claims_md.claims(path.read_text("utf-8")):
            where = f"docs/{path.name}: {{{{ holds {claim} }}}}"
            claims_md.evaluate(claim, where, None, check_runs=False)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_both_languages_make_the_same_claims(page):
    english = claims_md.claims(page.read_text("utf-8"))
    chinese = claims_md.claims(page.with_suffix(".zh.md").read_text("utf-8"))
    assert chinese == english, f"docs/{page.with_suffix('.zh.md').name}"


def test_the_remedies_page_makes_claims():
    # the page that compares the most numbers holds them all this way
    text = (DOCS / "gan_remedies.md").read_text("utf-8")
    assert len(claims_md.claims(text)) >= 10
