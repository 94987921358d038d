"""Live figures (gen_src/builder/live_figures.py): declared beside their
stills in the plot modules, read without importing them, and refused
with a message that names the declaration when malformed."""

from __future__ import annotations

import pytest

from gen_src.builder import live_figures, registry


def test_every_widget_has_a_still_that_draws_its_runs():
    figures, runs = registry.figures(), registry.runs()
    for spec in live_figures.widgets().values():
        assert spec.figure in figures, spec.name
        assert set(figures[spec.figure].runs) == set(spec.runs), spec.name
        assert set(spec.runs) <= set(runs), spec.name
    assert live_figures.exports_needed()["vae2d"] == "decoder"
    assert live_figures.exports_needed()["toy_ring_k3_mm"] == "replay"
    for run in ("diffusion_ring", "flow_ring", "diffusion_grid", "flow_grid"):
        assert live_figures.exports_needed()[run] == "sampler"


def test_unknown_widget_names_the_page():
    with pytest.raises(live_figures.UnknownWidgetError) as err:
        live_figures.widget("no_such_widget", page="docs/vae.md")
    assert "docs/vae.md" in str(err.value)
    assert "vae_explorer" in str(err.value)


@pytest.fixture
def plots_module(tmp_path, monkeypatch):
    """A throwaway plot module in a copy of the course's plots folder."""
    path = registry.PACKAGE_DIR / "plots" / "zz_throwaway.py"

    def write(widgets: str):
        path.write_text(
            f"FIGURES = {{}}\nWIDGETS = {widgets}\n", encoding="utf-8"
        )
        registry.rescan()

    yield write
    path.unlink(missing_ok=True)
    registry.rescan()


@pytest.mark.parametrize(
    "widgets, says",
    [
        ('{"w": ("latent", "no_such_figure", ())}', "is no figure"),
        ('{"w": ("sideways", "gan_replay", ())}', "is not one of"),
        (
            '{"w": ("replay", "gan_replay", (("ring", ("toy_ring_ns",)),))}',
            "must be the same runs",
        ),
        ('{"w": make()}', "must be a literal"),
    ],
)
def test_a_malformed_widget_is_refused_naming_it(plots_module, widgets, says):
    plots_module(widgets)
    with pytest.raises((TypeError, ValueError)) as err:
        live_figures.widgets()
    assert "zz_throwaway.py: WIDGETS['w']" in str(err.value)
    assert says in str(err.value)
