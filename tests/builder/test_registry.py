"""gen_src.builder.registry: every module of the course with RUNS or FIGURES
is found, checked against the family contract, and read without torch."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gen_src.builder import registry


def test_every_family_and_plot_module_is_found():
    assert set(registry.family_modules()) >= {
        "gan",
        "dcgan",
        "autoencoder",
        "vae",
        "cvae",
        "classifier",
    }
    assert set(registry.plot_modules()) >= {"plots.gan", "plots.vae"}
    assert registry.runs()["vae2d"].module == "vae"
    assert registry.figures()["vae_samples"].runs == ("vae",)


def test_a_new_family_is_found_without_registering_it(package):
    (package / "flow.py").write_text(
        "RUNS = {'flow': lambda p: None}\n"
        "def config_for(profile): ...\ndef build(config): ...\n"
        "def train(config, *, device='auto', progress=True): ...\n"
    )
    registry.rescan()
    assert registry.runs()["flow"].module == "flow"


def test_a_module_with_runs_but_no_train_is_refused(package):
    (package / "half.py").write_text(
        "RUNS = {'half': lambda p: None}\ndef build(config): ...\n"
    )
    with pytest.raises(
        TypeError,
        match=r"half\.py defines RUNS but not "
        r"config_for, train",
    ):
        registry.runs()


def test_a_figure_needing_an_unknown_run_is_refused(package):
    (package / "plots" / "extra.py").write_text(
        "def draw(run): ...\nFIGURES = {'extra': (('nope',), draw)}\n"
    )
    registry.rescan()
    with pytest.raises(ValueError, match="needs run 'nope'"):
        registry.figures()


def test_a_run_built_on_an_unknown_run_is_refused(package):
    path = package / "latent_flow.py"
    path.write_text(
        path.read_text().replace(
            'UPSTREAM = {"latent_flow": "vae"}',
            'UPSTREAM = {"latent_flow": "vea"}',
        )
    )
    registry.rescan()
    with pytest.raises(
        ValueError, match=r"UPSTREAM\['latent_flow'\] names the run 'vea'"
    ):
        registry.runs()


def test_the_same_name_twice_is_refused(package):
    (package / "plots" / "again.py").write_text(
        "def draw(run): ...\nFIGURES = {'vae_samples': (('vae',), draw)}\n"
    )
    registry.rescan()
    with pytest.raises(ValueError, match="'vae_samples' is defined twice"):
        registry.figures()


def test_reading_the_registry_imports_no_torch():
    code = (
        "import sys\nfrom gen_src.builder import registry\n"
        "registry.figures(); registry.source_closure('vae')\n"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.strip() == "False"


def test_a_runs_cost_is_declared_in_its_family():
    runs = registry.runs()
    assert runs["wgan_grid"].cost > runs["classifier"].cost > 1
    assert runs["toy_ring_ns"].cost == 1.0  # not declared: the unit
