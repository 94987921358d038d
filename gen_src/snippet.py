"""Command-line glue for the programs in snippets/.

Each snippet defines `main(**options)` with typed keyword defaults and ends

    if __name__ == "__main__":
        snippet.run(main)

so `python snippets/vae_train.py --num-epochs 3` works, `--help` lists the
options, and a bad value gets one line that names the option:

    vae_train.py: error: argument --num-epochs: invalid int value: '1.5'

Options typed `int | None` with the default None mean "the profile's
value". A `typing.Literal[...]` annotation gives the choices.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import sys
import typing
from collections.abc import Callable, Sequence
from pathlib import Path

from . import runtime

FOLDER = runtime.REPOSITORY / "snippets"


def _kind(hint) -> tuple[type, tuple | None]:
    """(type, choices) of an annotation such as int, int | None, Literal."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) is typing.Literal:
        return type(args[0]), tuple(args)
    if args:  # X | None
        return _kind(args[0])
    return hint, None


def parser(
    main: Callable, argv0: str | None = None
) -> argparse.ArgumentParser:
    """An argparse parser for main's keyword options."""
    module = sys.modules.get(main.__module__)
    doc = (getattr(module, "__doc__", None) or "").strip()
    out = argparse.ArgumentParser(
        prog=Path(argv0 or sys.argv[0]).name,
        allow_abbrev=False,
        description=doc.splitlines()[0] if doc else None,
    )
    hints = typing.get_type_hints(main)
    for name, param in inspect.signature(main).parameters.items():
        flag = "--" + name.replace("_", "-")
        kind, choices = _kind(hints.get(name, str))
        default = param.default
        if kind is bool:
            out.add_argument(
                flag, default=default, action=argparse.BooleanOptionalAction
            )
            continue
        shown = "the profile's" if default is None else repr(default)
        out.add_argument(
            flag,
            type=kind,
            choices=choices,
            default=default,
            metavar=kind.__name__.upper() if not choices else None,
            help=f"default: {shown}",
        )
    return out


def run(main: Callable, argv: Sequence[str] | None = None):
    """Parse the command line and call main with it; a ValueError from
    main (a config out of range) is reported in one line, like argparse's
    own errors."""
    cli = parser(main)
    options = vars(cli.parse_args(sys.argv[1:] if argv is None else argv))
    try:
        return main(**options)
    except ValueError as err:
        cli.error(str(err))


def path(name: str) -> Path:
    """snippets/NAME.py."""
    return FOLDER / f"{name}.py"


def load(name: str):
    """Import snippets/NAME.py as a module (snippets/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        f"snippet_{name}", path(name)
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
