"""Command-line glue for the programs in snippets/.

Each snippet defines `main(**options)` with keyword defaults and ends with

    if __name__ == "__main__":
        snippet.run(main)

so `python snippets/vae_train.py --num-epochs 3` works, and an unknown
option names the ones that exist.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "snippets"


def options(main: Callable) -> dict[str, object]:
    """The snippet's options and their defaults."""
    return {
        name: p.default
        for name, p in inspect.signature(main).parameters.items()
        if p.kind is p.KEYWORD_ONLY or p.default is not p.empty
    }


def parse(main: Callable, argv: Sequence[str]) -> dict[str, object]:
    """Turn `--name value` pairs into keyword arguments for main."""
    known = options(main)
    listing = ", ".join(f"--{k.replace('_', '-')}" for k in known) or "none"
    kwargs: dict[str, object] = {}
    args = list(argv)
    while args:
        flag = args.pop(0)
        name = flag.lstrip("-").replace("-", "_")
        if not flag.startswith("--") or name not in known:
            raise SystemExit(
                f"{sys.argv[0]}: unknown option {flag!r}. "
                f"Options: {listing}"
            )
        if not args:
            raise SystemExit(f"{sys.argv[0]}: option {flag} needs a value")
        raw = args.pop(0)
        default = known[name]
        if isinstance(default, bool):
            value: object = raw.lower() in ("1", "true", "yes")
        elif isinstance(default, (int, float)):
            value = type(default)(raw)
        else:
            value = raw
        kwargs[name] = value
    return kwargs


def run(main: Callable, argv: Sequence[str] | None = None):
    """Parse the command line and call main with it."""
    return main(**parse(main, sys.argv[1:] if argv is None else argv))


def path(name: str) -> Path:
    """snippets/NAME.py."""
    return FOLDER / f"{name}.py"


def load(name: str):
    """Import snippets/NAME.py as a module (snippets/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"snippet_{name}",
                                                  path(name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
