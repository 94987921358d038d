"""widget: references on pages: the still inside its container, paths
from either language's pages, errors, and the same widgets in both
languages."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from gen_src.builder import export, live_figures
from gen_src.website import widgets
from gen_src.website.page_context import PageContext

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGE = 'Before.\n\n![The plane, live](widget:vae_explorer){ width="95%" }\n'


def exports(tmp_path: Path) -> dict:
    out = {}
    for run in live_figures.widgets()["vae_explorer"].runs:
        folder = tmp_path / run
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        (folder / "data.bin").write_bytes(b"\0" * 10)
        out[run] = export.Export(run, "decoder", f"{run}-abc", folder, {})
    return out


def config_of(out: str) -> dict:
    found = re.search(r'data-config="([^"]*)"', out)
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize(
    "src, url, base",
    [
        ("vae.md", "vae/", "../widgets/"),
        ("vae.zh.md", "zh/vae/", "../../widgets/"),
    ],
)
def test_a_widget_wraps_its_still(tmp_path, src, url, base):
    lang = "zh" if ".zh." in src else "en"
    out = widgets.expand(
        PAGE, PageContext(src, url, lang, False, exports=exports(tmp_path))
    )
    assert '<div class="gen-widget" data-widget="vae_explorer"' in out
    assert f'data-base="{base}"' in out
    # the still is an ordinary figure reference, for figures_md next
    assert '![The plane, live](fig:latent_ae_vs_vae){ width="95%" }' in out
    scripts = re.findall(r'<script src="([^"]+)" defer>', out)
    assert scripts == [
        base.replace("widgets/", "assets/gen-nn.js"),
        base.replace("widgets/", "assets/widgets.js"),
    ]
    config = config_of(out)
    assert config["kind"] == "latent"
    assert [g["name"] for g in config["groups"]] == ["vae", "ae"]
    # the toggle's labels, in the page's language
    assert config["groups"][1]["label"] == (
        "自编码器：编码 e(x)" if lang == "zh" else "Autoencoder: codes e(x)"
    )
    assert config["groups"][0]["runs"] == [
        {"run": "vae2d", "stem": "vae2d-abc", "bytes": 12}
    ]
    names = config["strings"]["classes"]
    assert names[9] == ("短靴" if lang == "zh" else "Ankle boot")


def test_two_widgets_load_the_scripts_once(tmp_path):
    page = PAGE + "\n" + PAGE
    out = widgets.expand(
        page,
        PageContext("vae.md", "vae/", "en", False, exports=exports(tmp_path)),
    )
    assert out.count('class="gen-widget"') == 2
    assert out.count("widgets.js") == 1


def test_pipeline_off_leaves_the_still_alone():
    out = widgets.expand(
        PAGE, PageContext("vae.md", "vae/", "en", False, exports=None)
    )
    assert "gen-widget" not in out and "<script" not in out
    assert "](fig:latent_ae_vs_vae)" in out


def test_unknown_widget_names_the_page():
    page = "![x](widget:nope)"
    with pytest.raises(live_figures.UnknownWidgetError) as err:
        widgets.expand(
            page, PageContext("gan.md", "gan/", "en", False, exports={})
        )
    assert "docs/gan.md" in str(err.value) and "nope" in str(err.value)


def test_a_failed_export_stops_the_build_and_boxes_under_serve(tmp_path):
    made = exports(tmp_path)
    made["ae2d"] = RuntimeError("no weights")
    with pytest.raises(widgets.WidgetBuildError) as err:
        widgets.expand(
            PAGE, PageContext("vae.md", "vae/", "en", False, exports=made)
        )
    assert "ae2d" in str(err.value) and "docs/vae.md" in str(err.value)
    out = widgets.expand(
        PAGE, PageContext("vae.md", "vae/", "en", True, exports=made)
    )
    assert '<div class="figure-error">' in out and "no weights" in out
    assert "](fig:latent_ae_vs_vae)" in out  # the still stays


def test_both_languages_embed_the_same_widgets():
    for page in sorted(DOCS.glob("*.md")):
        if page.name.endswith(".zh.md"):
            continue
        twin = page.with_name(page.name[:-3] + ".zh.md")
        en = widgets.referenced(page.read_text("utf-8"))
        zh = widgets.referenced(twin.read_text("utf-8"))
        assert en == zh, f"{page.name} vs {twin.name}: widgets differ"
    used = {
        name
        for page in DOCS.glob("*.md")
        for name in widgets.referenced(page.read_text("utf-8"))
    }
    assert used == set(live_figures.widgets()), "every widget is on a page"


def test_a_replay_brings_its_own_script_and_only_its_strings(tmp_path):
    made = {}
    for run in live_figures.widgets()["gan_replay"].runs:
        folder = tmp_path / run
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        (folder / "data.bin").write_bytes(b"")
        made[run] = export.Export(run, "replay", f"{run}-k", folder, {})
    page = "![Replay](widget:gan_replay)"
    out = widgets.expand(
        page, PageContext("gan.md", "gan/", "en", False, exports=made)
    )
    assert re.findall(r'<script src="([^"]+)"', out) == [
        "../assets/gen-nn.js",
        "../assets/widgets.js",
        "../assets/widgets-replay.js",
    ]
    words = config_of(out)["strings"]
    assert "play" in words and words["method_pacgan4"] == "PacGAN4"
    assert "classes" not in words and "hint_latent" not in words
    latent = widgets.expand(
        PAGE,
        PageContext("vae.md", "vae/", "en", False, exports=exports(tmp_path)),
    )
    assert "play" not in config_of(latent)["strings"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_sampler_brings_its_scripts_and_its_words(tmp_path, lang):
    spec = live_figures.widgets()["diffusion_sampler"]
    made = {}
    for run in spec.runs:
        folder = tmp_path / run
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        (folder / "data.bin").write_bytes(b"")
        made[run] = export.Export(run, "sampler", f"{run}-k", folder, {})
    src = "diffusion.md" if lang == "en" else "diffusion.zh.md"
    url = "diffusion/" if lang == "en" else "zh/diffusion/"
    out = widgets.expand(
        "![Live](widget:diffusion_sampler)",
        PageContext(src, url, lang, False, exports=made),
    )
    up = "../" if lang == "en" else "../../"
    assert re.findall(r'<script src="([^"]+)"', out) == [
        f"{up}assets/{name}"
        for name in (
            "gen-nn.js",
            "widgets.js",
            "gen-sampling.js",
            "widgets-sampler.js",
        )
    ]
    config = config_of(out)
    assert config["kind"] == "sampler"
    assert [g["name"] for g in config["groups"]] == [
        "ring_diffusion",
        "ring_flow",
        "grid_diffusion",
        "grid_flow",
    ]
    words = config["strings"]
    assert set(words) == {
        *widgets.COMMON_STRINGS,
        *widgets.KIND_STRINGS["sampler"],
    }
    assert all(words.values())
    chinese = {"sampler_euler": "流匹配，欧拉法", "steps": "步数"}
    english = {"sampler_euler": "Flow matching, Euler", "steps": "Steps"}
    for key, text in (chinese if lang == "zh" else english).items():
        assert words[key] == text
    if lang == "zh":  # full-width punctuation only
        assert not re.search(r"[,;:()]", "".join(words.values()))
