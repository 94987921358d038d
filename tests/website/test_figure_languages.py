"""Figures in the reader's language, in the smoke site: a figure with words
has a drawing per language and each page shows its own; the provenance
line under it is in the page's language too."""

from __future__ import annotations

import json
import re

FIGURE_IMG = re.compile(
    r'<img[^>]+src="[./]*figures/([A-Za-z0-9_-]+?)(\.zh)?\.png"'
)
# what a Chinese provenance line may hold in Latin letters: names
NAMES = {"torch", "CPU", "Fashion-MNIST", "MNIST", "ELBO", "KL", "Fréchet"}
# two letters or more ("T 恤" is Chinese)
LATIN_WORD = r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f-]+"
# ... and on a figure: the methods' names, and Heun's (Heun 法)
FIGURE_NAMES = {"GAN", "PacGAN", "WGAN", "WGAN-GP", "EMA", "VAE"}
FIGURE_NAMES |= {"DDPM", "DDIM", "Heun", "CVAE", "Fréchet"}


def _worded(site) -> set[str]:
    """The figures whose record lists words (gen_src.plots.common.tr)."""
    names = set()
    for path in (site / "figures").glob("*.json"):
        record = json.loads(path.read_text("utf-8"))
        if record["words"]:
            names.add(record["figure"])
    return names


def test_a_figure_with_words_has_a_chinese_drawing(built_site):
    figures = built_site / "figures"
    worded = _worded(built_site)
    # classes, train/test/step, G vs real: the figures that have words
    assert {
        "ae_latent",
        "latent_ae_vs_vae",
        "vae_losses",
        "cvae_class_rows",
        "cvae_style",
        "cvae_explorer",
        "frechet_vs_samples",
    } <= worded
    assert not {"gan_ring_training", "vae_samples"} & worded
    for path in figures.glob("*.json"):
        name = path.stem
        zh = figures / f"{name}.zh.png"
        if name in worded:
            assert zh.read_bytes()[:4] == b"\x89PNG", zh
            assert zh.read_bytes() != (figures / f"{name}.png").read_bytes()
        else:  # drawn once, shared by both languages
            assert not zh.exists(), zh


def test_each_page_shows_the_drawing_in_its_language(built_site):
    worded = _worded(built_site)
    shown = {"en": set(), "zh": set()}
    for page in built_site.rglob("index.html"):
        lang = "zh" if page.relative_to(built_site).parts[0] == "zh" else "en"
        html = page.read_text("utf-8")
        for name, suffix in FIGURE_IMG.findall(html):
            own = lang == "zh" and name in worded
            assert suffix == (".zh" if own else ""), (page, name, suffix)
            shown[lang].add(name)
    assert worded <= shown["zh"] and worded <= shown["en"]


def test_chinese_provenance_has_no_english_words(built_site):
    lines = []
    for page in (built_site / "zh").rglob("index.html"):
        html = page.read_text("utf-8")
        lines += re.findall(
            r'<span class="provenance"[^>]*>(.*?)</span>', html
        )
    assert len(lines) > 20
    for line in lines:
        text = re.sub(r"<code>.*?</code>", " ", line)  # run and profile
        text = re.sub(r"<[^>]+>", " ", text)
        english = set(re.findall(LATIN_WORD, text)) - NAMES
        assert not english, (english, text)
        assert "线程" in text  # the device: "CPU，1 个线程"


def test_no_english_word_is_left_on_a_chinese_figure(built_site):
    """Every figure drawn with the Chinese table (the runs as the build
    left them in the cache): its text holds math, numbers and names only,
    so no plot writes a word without tr()."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from gen_src.builder import drawing, pipeline, registry, strings
    from gen_src.plots import common

    pipe = pipeline.Pipeline(pipeline.Settings.resolve())
    table = strings.figure_words("zh")
    font = [drawing.language_font("zh"), *matplotlib.rcParams["font.family"]]
    left = {}
    for name, spec in sorted(registry.figures().items()):
        runs = [pipe.run(run)[0] for run in spec.runs]
        _, draw = drawing.plots(spec).FIGURES[name]
        with common.words(table), matplotlib.rc_context({"font.family": font}):
            fig = draw(*runs)
        texts = [
            re.sub(r"\$[^$]*\$", " ", t.get_text()) for t in fig.findobj(Text)
        ]
        plt.close(fig)
        words = {w for t in texts for w in re.findall(LATIN_WORD, t)}
        if words - FIGURE_NAMES:
            left[name] = words - FIGURE_NAMES
    assert not left, f"English on Chinese figures (mark it with tr()): {left}"
