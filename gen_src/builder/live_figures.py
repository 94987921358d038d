"""Every live figure (widget) by name, read statically like the figures.

A plot module declares its live figures beside the figures that stand in
for them (the contract is gen_src/family.py):

    WIDGETS = {"NAME": (KIND, STILL, ((GROUP, (RUN, ...)), ...))}

The page directive `![caption](widget:NAME)` (gen_src/website/widgets.py)
names one; the exporter (export.py) makes the data its runs need.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

from . import registry

KINDS = ("latent", "conditional", "replay", "sampler")
# kind -> the export its runs need (export.py's MAKERS)
EXPORTS = {
    "latent": "decoder",
    "conditional": "decoder",
    "replay": "replay",
    "sampler": "sampler",
}


@dataclass(frozen=True)
class Widget:
    """A live figure. figure: the still that stands in for it (JS off,
    before the data load, or after an error); it draws exactly the
    widget's runs, so that its provenance line is the widget's. groups:
    (name, runs) shown together; the first loads with the page, the
    others when the reader picks them."""

    name: str
    kind: str  # one of KINDS
    figure: str
    groups: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def runs(self) -> tuple[str, ...]:
        return tuple(run for _, runs in self.groups for run in runs)

    @property
    def export_kind(self) -> str:
        return EXPORTS[self.kind]


class UnknownWidgetError(KeyError):
    """A page names a widget that no plot module declares."""


def widgets() -> dict[str, Widget]:
    return _widgets(registry.course_stamp())


@functools.lru_cache(maxsize=4)
def _widgets(stamp: tuple) -> dict[str, Widget]:
    found: dict[str, Widget] = {}
    figures = registry.figures()
    modules = registry.declaring("WIDGETS", stamp)
    for module, name, value in registry.entries(modules, "WIDGETS"):
        where = f"{registry.module_path(module)}: WIDGETS[{name!r}]"
        try:
            kind, figure, groups = ast.literal_eval(value)
            spec = Widget(name, kind, figure, tuple(groups))
        except ValueError as err:
            raise TypeError(
                f"{where} must be a literal (kind, figure, groups) tuple"
            ) from err
        if kind not in KINDS:
            raise ValueError(f"{where}: kind {kind!r} is not one of {KINDS}")
        still = figures.get(figure)
        if still is None:
            raise ValueError(f"{where}: its still {figure!r} is no figure")
        if sorted(still.runs) != sorted(spec.runs):
            raise ValueError(
                f"{where}: the still {figure!r} draws {still.runs}, the "
                f"widget shows {spec.runs}; they must be the same runs"
            )
        found[name] = spec
    return found


def widget(name: str, page: str | None = None) -> Widget:
    return registry.lookup(
        widgets(),
        name,
        page,
        UnknownWidgetError,
        "declare it in WIDGETS of the plot module that draws its still",
    )


def exports_needed() -> dict[str, str]:
    """run -> export kind, for every run of every widget."""
    needed: dict[str, str] = {}
    for spec in widgets().values():
        for run in spec.runs:
            if needed.setdefault(run, spec.export_kind) != spec.export_kind:
                raise ValueError(f"run {run!r} is exported two ways")
    return needed
