"""Figures in every language: plots mark their words with tr(), the build
draws a figure once more for each language that changes them, caches that
drawing like the first, and fails in one line without the font it needs."""

from __future__ import annotations

import pytest

from gen_src import vae
from gen_src.builder import drawing, pipeline, strings
from gen_src.plots import common

WORDED = "vae_losses"  # train, test, step, nats
WORDLESS = "gan_ring_training"  # numbers and symbols only
PNG = b"\x89PNG"


def _must_not(*args, **kwargs):
    raise AssertionError("nothing is retrained to draw another language")


def _translated(step: str):
    """figure_words with zh's "step" changed: a drawing not yet cached."""
    table = strings.figure_words
    return lambda lang: (
        {**table(lang), "step": step} if lang == "zh" else (table(lang))
    )


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return pipeline.Pipeline(
        pipeline.Settings(profile="smoke", cache_dir=cache)
    )


def test_tr_is_english_outside_the_build_and_records_its_words():
    assert common.tr("step") == "step"  # a notebook, Colab
    with common.words({"step": "步数"}) as used:
        assert common.tr("step") == "步数"
        assert common.tr("train") == "train"  # no entry: English
    assert used == {"step", "train"}
    assert common.tr("step") == "step"


def test_the_figure_words_of_every_language_cover_the_figures():
    """Every word a figure may ask for has an entry in every table; the
    class names are the ones the live figures show."""
    from gen_src import data

    english = strings.table("en")
    assert tuple(english["widgets"]["classes"]) == data.FASHION_CLASSES
    for lang in strings.languages():
        words = strings.figure_words(lang)
        assert set(english["figures"]) | set(data.FASHION_CLASSES) <= set(
            words
        ), lang
    zh = strings.figure_words("zh")
    assert zh["T-shirt/top"] == strings.table("zh")["widgets"]["classes"][0]


def test_a_figure_with_words_gets_a_drawing_per_language(pipe, monkeypatch):
    first = pipe.figure(WORDED)
    assert {"train", "test", "step"} <= set(first.record["words"])
    assert set(first.languages) == {"zh"}
    zh = first.languages["zh"].read_bytes()
    assert zh[:4] == PNG and zh != first.png.read_bytes()
    assert first.png_for("zh") == first.languages["zh"]
    assert first.png_for("en") == first.png

    # another process: both drawings come from the cache
    monkeypatch.setattr(vae, "train", _must_not)
    monkeypatch.setattr(drawing, "_render", _must_not)
    again = pipeline.Pipeline(pipe.settings).figure(WORDED)
    assert not again.trained
    assert (again.png, again.languages) == (first.png, first.languages)


def test_a_figure_without_words_is_drawn_once(pipe):
    result = pipe.figure(WORDLESS)
    assert result.record["words"] == [] and result.languages == {}
    assert result.png_for("zh") == result.png


def test_a_new_translation_draws_that_language_again_only(pipe, monkeypatch):
    first = pipe.figure(WORDED)
    monkeypatch.setattr(strings, "figure_words", _translated("迭代步数"))
    monkeypatch.setattr(vae, "train", _must_not)
    again = pipeline.Pipeline(pipe.settings).figure(WORDED)
    assert again.trained and again.png == first.png
    assert again.languages["zh"] != first.languages["zh"]


def test_without_the_cjk_font_the_figure_fails_in_one_line(pipe, monkeypatch):
    from matplotlib import font_manager

    manager = font_manager.fontManager
    no_cjk = [f for f in manager.ttflist if "CJK" not in f.name]
    monkeypatch.setattr(manager, "ttflist", no_cjk)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    monkeypatch.setattr(strings, "figure_words", _translated("步"))
    err = pipeline.Pipeline(pipe.settings).build([WORDED])[WORDED]
    assert isinstance(err, drawing.MissingFontError)
    text = str(err)
    assert "\n" not in text and "Noto Sans CJK SC" in text
    assert "`make setup`" in text and "apt-get install fonts-noto-cjk" in text


def test_a_glyph_no_font_has_fails_instead_of_a_box(pipe, monkeypatch):
    monkeypatch.setattr(strings, "figure_words", _translated("\ue000"))
    err = pipeline.Pipeline(pipe.settings).build([WORDED])[WORDED]
    assert isinstance(err, drawing.MissingFontError), err
    assert str(err).startswith("a box, not a glyph")
