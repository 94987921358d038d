"""gen_src.family: every registered family and plot module keeps the
contract; a module that breaks it is refused, loudly."""

from __future__ import annotations

import importlib
import types

import pytest

from gen_src import family
from gen_src.builder import registry

FAMILIES = registry.family_modules()
PLOTS = registry.plot_modules()


@pytest.mark.parametrize("name", FAMILIES)
def test_every_family_keeps_the_contract(name):
    module = importlib.import_module(f"gen_src.{name}")
    family.check_family(module)
    assert isinstance(module, family.Family)
    for run, make in module.RUNS.items():
        config = make("smoke")
        assert set(module.build(config)), run  # named networks


@pytest.mark.parametrize("name", PLOTS)
def test_every_plot_module_keeps_the_contract(name):
    family.check_plots(importlib.import_module(f"gen_src.{name}"))


def test_a_family_without_train_is_refused():
    broken = types.ModuleType("gen_src.broken")
    broken.RUNS = {"x": lambda profile: None}
    broken.config_for = broken.build = lambda *a: None
    with pytest.raises(TypeError, match="gen_src.broken .*lacks train"):
        family.check_family(broken)
    plots = types.ModuleType("gen_src.plots.broken")
    plots.FIGURES = {"f": ("run", print)}
    with pytest.raises(TypeError, match="FIGURES\\['f'\\] must be"):
        family.check_plots(plots)
