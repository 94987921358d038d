"""gen_src.builder.strings: one table of interface strings per language,
and the languages themselves, from mkdocs.yml."""

from __future__ import annotations

import pytest

from gen_src.builder import strings


def test_languages_and_repository_come_from_mkdocs_yml(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_url: !ENV SITE_URL\nplugins:\n  - search\n  - i18n:\n"
        "      languages:\n        - locale: fr\n        - locale: de\n"
        "          default: true\nextra:\n"
        "  repository: https://github.com/a/b\n"
    )
    loaded = strings.site_config(config)
    assert loaded["extra"]["repository"] == "https://github.com/a/b"
    assert strings.languages() == ["en", "zh"]  # this site's mkdocs.yml
    assert strings.repository().startswith("https://github.com/")


def test_every_language_has_every_string():
    base = strings.table("en")
    for lang in strings.languages():
        own = strings._read(lang)
        for section, values in base.items():
            missing = set(values) - set(own.get(section, {}))
            assert not missing, (
                f"strings/{lang}.toml [{section}] lacks {sorted(missing)}"
            )


def test_a_language_without_a_table_falls_back_to_the_default():
    assert strings.table("fr") == strings.table("en")
    assert (
        strings.table("zh")["notebook"]["download"]
        != strings.table("en")["notebook"]["download"]
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_metric_formats_accept_a_number(lang):
    for name, (label, fmt) in strings.table(lang)["metrics"].items():
        assert label and fmt.format(0.5, num_modes=8), name
