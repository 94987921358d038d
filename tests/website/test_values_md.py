"""{{ value }} and {{ settings }} on pages: numbers from the runs' records."""

from __future__ import annotations

import pytest

from gen_src.website import values_md
from gen_src.website.page_context import PageContext

RECORDS = {
    "toy_ring_ns": {
        "run": "toy_ring_ns",
        "profile": "quick",
        "seconds": 6.8,
        "config": {"batch_size": 256},
        "metrics": {"modes": 8, "high_quality": 0.912},
    },
}
CONFIGS = {
    ("toy_ring_ns", "quick"): {
        "lr": 0.002,
        "num_steps": 1500,
        "betas": [0.0, 0.9],
    },
    ("toy_ring_ns", "full"): {
        "lr": 0.002,
        "num_steps": 5000,
        "betas": [0.0, 0.9],
    },
}


class FakePipe:
    def record(self, name):
        return RECORDS[name]

    def config(self, name, profile):
        return CONFIGS[name, profile]

    def located_key(self, name):
        return f"{RECORDS[name]['profile']}:0123"


def expand(text, lang="en", serve=False, pipe=FakePipe()):
    return values_md.expand(
        text, PageContext("gan.md", lang=lang, pipe=pipe, serve=serve)
    )


def test_values_come_from_the_record_with_a_format():
    text = (
        "It reached {{ value toy_ring_ns metrics.modes }} modes at "
        "{{ value toy_ring_ns metrics.high_quality .0% }} in "
        "{{ value toy_ring_ns seconds .1f }} s, batch "
        "{{value toy_ring_ns config.batch_size}}."
    )
    assert expand(text) == ("It reached 8 modes at 91% in 6.8 s, batch 256.")


def test_unknown_field_names_the_page_the_directive_and_the_fields():
    with pytest.raises(values_md.ValueDirectiveError) as err:
        expand("{{ value toy_ring_ns metrics.mode }}")
    text = str(err.value)
    assert "docs/gan.md" in text and "metrics.mode" in text
    assert "high_quality, modes" in text


def test_unknown_run_and_bad_format_fail():
    with pytest.raises(values_md.ValueDirectiveError, match="unknown run"):
        expand("{{ value no_such_run metrics.modes }}")
    with pytest.raises(values_md.ValueDirectiveError, match="format"):
        expand("{{ value toy_ring_ns metrics.modes .0z }}")


def test_serve_shows_an_error_box_instead():
    out = expand("{{ value toy_ring_ns metrics.mode }}", serve=True)
    assert 'class="figure-error"' in out and "metrics.mode" in out


def test_settings_table_per_profile_marks_the_difference():
    out = expand("Before.\n\n{{ settings toy_ring_ns }}\n\nAfter.")
    assert "| `num_steps` | **1500** | **5000** |" in out
    assert "| `lr` | 0.002 | 0.002 |" in out
    assert "| `betas` | (0.0, 0.9) | (0.0, 0.9) |" in out
    assert "<code>quick</code> (this build)" in out
    assert out.startswith("Before.") and out.endswith("After.")
    zh = expand("{{ settings toy_ring_ns }}", lang="zh")
    assert "| 设置 |" in zh and "（本次构建）" in zh


def test_pipeline_off_leaves_readable_placeholders():
    out = expand(
        "{{ value toy_ring_ns metrics.modes }} modes\n\n"
        "{{ settings toy_ring_ns }}",
        pipe=None,
    )
    assert out.startswith("… modes") and "pipeline is off" in out


def test_directives_are_found():
    text = "{{ value a metrics.x }} and\n{{ settings b c }}\n"
    assert values_md.referenced(text)
    assert values_md.runs_named(text) == ["a", "b", "c"]
    assert not values_md.referenced("{{ nothing }} $x^{{2}}$")


def test_a_setting_under_another_profile_needs_no_run():
    class NoRuns(FakePipe):
        def record(self, name):
            raise AssertionError("no run is trained or loaded")

    text = (
        "`quick` trains for {{ value toy_ring_ns@quick config.num_steps , }}"
        " rounds, `full` for {{ value toy_ring_ns@full config.num_steps , }}."
    )
    assert expand(text, pipe=NoRuns()) == (
        "`quick` trains for 1,500 rounds, `full` for 5,000."
    )
    with pytest.raises(values_md.ValueDirectiveError, match="unknown profile"):
        expand("{{ value toy_ring_ns@fast config.lr }}", pipe=NoRuns())
    with pytest.raises(values_md.ValueDirectiveError, match="only settings"):
        expand("{{ value toy_ring_ns@full metrics.modes }}", pipe=NoRuns())
