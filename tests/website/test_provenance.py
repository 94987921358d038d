"""The line under a trained figure (gen_src/website/provenance.py), read
from its record. tests/website/test_figures_md.py checks a full record in
both languages, the toy datasets' iterations, CPU thread counts and an
infinite metric; here, each part on its own and what a sparse record
shows."""

from __future__ import annotations

import pytest

from gen_src.builder import strings
from gen_src.website import provenance

EN = strings.table("en")["provenance"]
ZH = strings.table("zh")["provenance"]

RUN = {
    "run": "vae",
    "profile": "quick",
    "seconds": 12.34,
    "device": "NVIDIA H200",
    "torch": "2.5.0",
    "date": "2026-01-02",
    "config": {"num_epochs": 3, "seed": 4},
    "metrics": {},
}


@pytest.mark.parametrize(
    "name, en, zh",
    [
        ("CPU (1 thread)", "CPU, 1 thread", "CPU，1 个线程"),
        ("CPU (16 threads)", "CPU, 16 threads", "CPU，16 个线程"),
        ("CPU", "CPU", "CPU"),
        ("CPU (4 threads) pinned", "CPU (4 threads) pinned", None),
        ("cuda:0", "cuda:0", "cuda:0"),
    ],
)
def test_a_cpu_reads_in_words_and_anything_else_as_recorded(name, en, zh):
    """Only the whole "CPU (N threads)" is translated; any other device
    name (a GPU's, a bare "CPU") is shown as it was recorded."""
    assert provenance.device(name, EN) == en
    assert provenance.device(name, ZH) == (zh or name)


def test_a_sparse_record_shows_its_defaults():
    """A run that recorded only its profile: the full Fashion-MNIST, and a
    question mark for each unknown, in a fixed order."""
    assert provenance.describe_run({"profile": "smoke"}, "en") == (
        "Fashion-MNIST, 60,000 training images · <code>smoke</code> profile"
        " · ? · 0.0 s · seed ? · torch ? · ?"
    )
    assert provenance.describe_run({"profile": "smoke"}, "zh") == (
        "Fashion-MNIST, 60000 张训练图像 · <code>smoke</code> 配置"
        " · ? · 0.0 秒 · 随机种子 ? · torch ? · ?"
    )


def test_the_run_parts_in_order():
    """dataset, profile, epochs, device, seconds, seed, torch, date."""
    assert provenance.describe_run(RUN, "en").split(" · ") == [
        "Fashion-MNIST, 60,000 training images",
        "<code>quick</code> profile",
        "3 epochs",
        "NVIDIA H200",
        "12.3 s",
        "seed 4",
        "torch 2.5.0",
        "2026-01-02",
    ]


@pytest.mark.parametrize(
    "config, en, zh",
    [
        (
            {"train_size": 12000},
            "Fashion-MNIST, 12,000 training images",
            "Fashion-MNIST, 12000 张训练图像",
        ),
        (
            {"dataset": "mnist", "train_size": 1234567},
            "mnist, 1,234,567 training images",
            "mnist, 1234567 张训练图像",
        ),
        (
            {"dataset": "grid"},
            "2-D toy data (grid of 25 Gaussians)",
            "二维玩具数据（25 个高斯分布组成的网格）",
        ),
    ],
)
def test_the_dataset_and_its_size(config, en, zh):
    """A subset's size with the language's thousands separator; another
    dataset under its own name; a toy one in words, without a size."""
    run = {**RUN, "config": config}
    assert provenance.describe_run(run, "en").split(" · ")[0] == en
    assert provenance.describe_run(run, "zh").split(" · ")[0] == zh


@pytest.mark.parametrize(
    "config, part",
    [
        ({"num_epochs": 1}, "1 epoch"),
        ({"num_epochs": 1, "num_steps": 500}, "1 epoch"),  # not toy: epochs
        ({"dataset": "ring", "num_epochs": 2}, "2 epochs"),  # no steps
        ({"dataset": "ring", "num_steps": 1, "num_epochs": 2}, "1 iterations"),
    ],
)
def test_epochs_or_iterations(config, part):
    """One epoch is singular; iterations count only for toy data, and a
    toy run without them shows its epochs."""
    run = {**RUN, "config": config}
    assert provenance.describe_run(run, "en").split(" · ")[2] == part


def test_no_epochs_and_no_steps_leave_the_part_out():
    """Nothing recorded about the length of training: no empty part."""
    run = {**RUN, "config": {}}
    parts = provenance.describe_run(run, "en").split(" · ")
    assert parts[2] == "NVIDIA H200" and len(parts) == 7


def test_labelled_metrics_first_in_the_tables_order_then_the_others():
    """Labelled metrics in the strings table's order whatever the
    record's; unlabelled ones after them, in the record's order, under
    their own names (floats to 4 digits); hidden ones never."""
    metrics = {
        "extra_int": 3,
        "test_nelbo": 90.04,
        "extra_float": 0.123456,
        "iwae_k10": 89.0,
        "num_modes": 8,
        "modes": 7,
    }
    assert provenance.metric_texts(metrics, "en") == [
        "modes 7/8",
        "test −ELBO 90.0 nats",
        "extra_int 3",
        "extra_float 0.1235",
    ]
    assert provenance.metric_texts(metrics, "zh")[:2] == [
        "模式 7/8",
        "测试集负 ELBO 90.0 奈特",
    ]
    assert provenance.metric_texts({}, "en") == []


def test_a_negative_infinity_reads_as_minus_infinity():
    """−∞ with the minus sign, as the positive one is ∞."""
    assert provenance.metric_texts({"reverse_kl": -1e999}, "en") == [
        "reverse KL −∞"
    ]


def test_several_runs_are_one_line_each_named():
    """A figure of two runs: one line each, prefixed by the run's name;
    one run is unnamed; no runs, no line."""
    other = {**RUN, "run": "cvae", "config": {"num_epochs": 1}}
    html = provenance.provenance_html({"runs": [RUN, other]}, "en")
    first, second = html.split("<br>")
    assert first == ("<code>vae</code>: " + provenance.describe_run(RUN, "en"))
    assert second.startswith("<code>cvae</code>: Fashion-MNIST")
    assert " · 1 epoch · " in second
    single = provenance.provenance_html({"runs": [RUN]}, "en")
    assert single == provenance.describe_run(RUN, "en")
    assert provenance.provenance_html({}, "en") == ""


def test_an_unlabelled_infinity_reads_as_infinity_too():
    texts = provenance.metric_texts({"made_up_ratio": float("inf")}, "en")
    assert texts == ["made_up_ratio ∞"]


def test_a_format_that_needs_a_missing_metric_says_which_and_where():
    with pytest.raises(KeyError) as err:
        provenance.metric_texts({"modes": 7}, "en")  # num_modes lacking
    message = err.value.args[0]
    assert "'num_modes'" in message and "[metrics]" in message
    assert "strings/*.toml" in message


def test_a_record_without_its_profile_shows_a_question_mark():
    line = provenance.describe_run({"config": {}}, "en")
    assert "<code>?</code>" in line
