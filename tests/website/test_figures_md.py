"""fig: references on pages: expansion, provenance, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from gen_src.builder.pipeline import FigureResult
from gen_src.website import figures_md, provenance
from gen_src.website.page_context import PageContext

RECORD = {
    "figure": "vae_samples",
    "runs": [
        {
            "run": "vae",
            "profile": "quick",
            "seconds": 6.25,
            "device": "CPU",
            "torch": "2.14.1",
            "date": "2026-11-24",
            "config": {"num_epochs": 3, "train_size": None, "seed": 0},
            "metrics": {"test_nelbo": 248.71},
        }
    ],
}
PAGE = '![Samples, $z \\sim p(z)$](fig:vae_samples){ width="70%" }'


def result(name="vae_samples"):
    return FigureResult(name, Path(f"/cache/{name}.png"), RECORD)


def test_expands_to_figure_with_caption_and_provenance():
    out = figures_md.expand(
        PAGE,
        PageContext(
            "vae.md", lang="en", results={"vae_samples": result()}, serve=False
        ),
    )
    assert '<figure class="trained-figure" markdown="span">' in out
    assert "![Samples, $z \\sim p(z)$](figures/vae_samples.png)" in out
    assert '{ width="70%" }' in out
    for part in (
        "Fashion-MNIST, 60,000 training images",
        "3 epochs",
        "6.2 s",
        "seed 0",
        "torch 2.14.1",
        "2026-11-24",
        "test −ELBO 248.7 nats",
        "<code>quick</code>",
    ):
        assert part in out, part


def test_chinese_provenance():
    line = provenance.provenance_html(RECORD, "zh")
    assert "60000 张训练图像" in line and "3 轮" in line
    assert "测试集负 ELBO 248.7 奈特" in line


def test_toy_provenance_counts_iterations():
    record = {
        "runs": [
            {
                **RECORD["runs"][0],
                "config": {"dataset": "ring", "num_steps": 2500, "seed": 1},
                "metrics": {"modes": 8, "num_modes": 8, "high_quality": 0.93},
            }
        ]
    }
    line = provenance.provenance_html(record, "en")
    assert "ring of 8 Gaussians" in line and "2,500 iterations" in line
    assert "modes 8/8" in line and "high-quality 93%" in line


def test_nested_page_gets_a_relative_path():
    out = figures_md.expand(
        PAGE,
        PageContext(
            "notes/deep/vae.md",
            lang="en",
            results={"vae_samples": result()},
            serve=False,
        ),
    )
    assert "](../../figures/vae_samples.png)" in out


def test_unknown_name_fails_build_and_names_page():
    page = "![x](fig:vae_sample)"
    with pytest.raises(figures_md.FigureBuildError, match="docs/vae.md"):
        figures_md.expand(
            page, PageContext("vae.md", lang="en", results={}, serve=False)
        )
    box = figures_md.expand(
        page, PageContext("vae.md", lang="en", results={}, serve=True)
    )
    assert 'class="figure-error"' in box and "vae_sample" in box


def test_failed_figure_build_vs_serve():
    failed = {"vae_samples": RuntimeError("out of memory")}
    with pytest.raises(
        figures_md.FigureBuildError, match="vae_samples.*out of memory"
    ):
        figures_md.expand(
            PAGE, PageContext("vae.md", lang="en", results=failed, serve=False)
        )
    box = figures_md.expand(
        PAGE, PageContext("vae.md", lang="en", results=failed, serve=True)
    )
    assert "figure-error" in box and "out of memory" in box


def test_a_metric_without_a_label_is_shown_under_its_own_name():
    record = {
        "runs": [
            {
                **RECORD["runs"][0],
                "metrics": {
                    "test_nelbo": 248.71,
                    "new_score": 0.25,
                    "steps": 10,
                },
            }
        ]
    }
    line = provenance.provenance_html(record, "en")
    assert "new_score 0.25" in line  # not dropped in silence
    assert "steps" not in line  # deliberately hidden


def test_a_page_shows_the_drawing_in_its_language():
    zh = Path("/cache/vae_losses.zh/figure.png")
    drawn = FigureResult(
        "vae_losses", Path("/cache/a.png"), RECORD, languages={"zh": zh}
    )
    page = "![Losses](fig:vae_losses)"
    results = {"vae_losses": drawn, "vae_samples": result()}
    out = figures_md.expand(
        page, PageContext("vae.md", lang="zh", results=results, serve=False)
    )
    assert "![Losses](figures/vae_losses.zh.png)" in out
    out = figures_md.expand(
        page, PageContext("vae.md", lang="en", results=results, serve=False)
    )
    assert "![Losses](figures/vae_losses.png)" in out
    # a figure without words has one drawing, for every language
    out = figures_md.expand(
        PAGE, PageContext("vae.md", lang="zh", results=results, serve=False)
    )
    assert "](figures/vae_samples.png)" in out


@pytest.mark.parametrize(
    "device, en, zh",
    [
        ("CPU (1 threads)", "CPU, 1 thread", "CPU，1 个线程"),
        ("CPU (2 threads)", "CPU, 2 threads", "CPU，2 个线程"),
        ("NVIDIA H200", "NVIDIA H200", "NVIDIA H200"),
    ],
)
def test_the_device_reads_in_the_page_language(device, en, zh):
    record = {"runs": [{**RECORD["runs"][0], "device": device}]}
    assert f" · {en} · " in provenance.provenance_html(record, "en")
    assert f" · {zh} · " in provenance.provenance_html(record, "zh")


def test_an_infinite_metric_reads_as_infinity():
    record = {
        "runs": [{**RECORD["runs"][0], "metrics": {"reverse_kl": 1e999}}]
    }
    for lang in ("en", "zh"):
        line = provenance.provenance_html(record, lang)
        assert line.endswith(" ∞") and "inf" not in line
