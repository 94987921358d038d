"""Command line: `python -m gen_src {data,figures,bench}`.

The figure pipeline runs here without MkDocs, so figures can be made
ahead of a build, on another machine, or by a future site generator.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gen_src")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("data", help="find or fetch Fashion-MNIST, prepare it")
    args = parser.parse_args(argv)
    if args.command == "data":
        from gen_src import data

        try:
            data.ensure_dataset()
        except data.DatasetError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
