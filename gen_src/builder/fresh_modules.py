"""The course's modules as their files are now, in a long-lived process.

A figure's key hashes its plot module's sources, a run's its family's.
A process that imported a module before an author edited it (`mkdocs
serve`, running for hours) would draw with the old code under the new
key, and cache that. current(name) imports the module, reloading first
every gen_src module it imports (transitively) whose file changed since
it was loaded, and every module that imports one loaded again since it
was (whichever call loaded it): dependencies first, so that names bound
by `from ... import` are new too.
"""

from __future__ import annotations

import importlib
import itertools
import sys
import time

from . import registry

# A module first seen here was loaded at the latest now; its file is
# newer than this process only if it was edited since (or just before)
_STARTED_NS = time.time_ns()
_loads = itertools.count(1)  # the order modules were (re)loaded in
_loaded: dict[str, tuple[int, int]] = {}  # module -> (mtime, load number)


def current(module: str):
    """gen_src.<module>, with what it imports, as the files are now."""
    for name in _dependencies_first(module):
        full = f"gen_src.{name}"
        mtime = registry.stamp(registry.module_path(name))[1]
        if full not in sys.modules:
            importlib.import_module(full)
            _loaded[name] = (mtime, next(_loads))
            continue
        seen, number = _loaded.setdefault(name, (min(mtime, _STARTED_NS), 0))
        # a module it imports was loaded again after it (in this call or
        # an earlier one): its `from ... import` names are old
        stale = any(
            _loaded.get(d, (0, 0))[1] > number
            for d in registry.imports_of(name)
        )
        if mtime != seen or stale:
            importlib.reload(sys.modules[full])
            _loaded[name] = (mtime, next(_loads))
    return sys.modules[f"gen_src.{module}"]


def _dependencies_first(module: str) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or not registry.module_path(name).is_file():
            return
        seen.add(name)
        for dependency in registry.imports_of(name):
            visit(dependency)
        order.append(name)

    visit(module)
    return order
