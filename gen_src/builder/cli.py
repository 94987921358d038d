"""Command line: `python -m gen_src {data,figures,notebooks,merge,zip,keys,
bench}`.

The figure pipeline runs here without MkDocs, so figures can be made
ahead of a build, on another machine, or by a future site generator.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time

from gen_src.builder import bench_command, stopping


def main(argv: list[str] | None = None) -> int:
    """Run a command; Ctrl-C stops it at once with exit status 130 (and
    SIGTERM with 143), with one line naming what was interrupted, its
    workers and kernels gone, nothing half-written left in the cache."""
    words = sys.argv[1:] if argv is None else argv
    undo = stopping.install(" ".join(["python -m gen_src", *words[:1]]))
    try:
        return _main(argv)
    except KeyboardInterrupt as err:
        sig = stopping.stopped() or getattr(err, "signal", signal.SIGINT)
        if stopping.stopped() is None:  # not through the handler
            print(stopping.line(sig), file=sys.stderr)
        return 128 + sig
    finally:
        undo()


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gen_src")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("data", help="find or fetch Fashion-MNIST, prepare it")
    for name, what, only in (
        ("figures", "train/load runs, draw figures", "only these figures"),
        (
            "notebooks",
            "execute the notebook pages",
            "only these notebooks (docs/notebooks/NAME.py)",
        ),
    ):
        command = sub.add_parser(name, help=what)
        command.add_argument("--profile", choices=("smoke", "quick", "full"))
        command.add_argument(
            "--device", choices=("auto", "cpu", "cuda", "mps")
        )
        command.add_argument("--cache-dir")
        command.add_argument("--only", nargs="+", metavar="NAME", help=only)
        if name == "figures":
            command.add_argument(
                "--shard",
                metavar="I/N",
                help="train shard I of N of the runs (balanced by cost) "
                "into the cache, and draw nothing; judge: the judge alone",
            )
            command.add_argument(
                "--out",
                metavar="CACHE",
                help="with --shard: copy the shard's runs into this cache",
            )
            command.add_argument(
                "--from",
                dest="sources",
                nargs="+",
                metavar="CACHE",
                help="with --shard: merge these caches' runs in first",
            )
    merge = sub.add_parser(
        "merge", help="merge the runs of shards' caches into one cache"
    )
    merge.add_argument("sources", nargs="+", metavar="CACHE")
    merge.add_argument("--into", required=True, metavar="CACHE")
    archive = sub.add_parser(
        "zip", help="the offline site as one archive, read back and checked"
    )
    archive.add_argument("site", metavar="SITE_DIR")
    archive.add_argument("target", metavar="ARCHIVE")
    keys = sub.add_parser(
        "keys",
        help="print the cache key of every run, figure and notebook "
        "(the publishing workflow hashes them to key its cache)",
    )
    keys.add_argument("--profile", choices=("smoke", "quick", "full"))
    keys.add_argument("--cache-dir")
    bench_command.add_parser(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.command == "data":
        from gen_src import dataset_files

        try:
            dataset_files.ensure_dataset()
        except dataset_files.DatasetError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    elif args.command == "figures":
        return _figures(args)
    elif args.command == "notebooks":
        return _notebooks(args)
    elif args.command == "keys":
        return _keys(args)
    elif args.command == "merge":
        from gen_src.builder import shards

        return shards.merge_command(args.sources, args.into)
    elif args.command == "zip":
        from gen_src.builder import offline_zip

        return offline_zip.command(args.site, args.target)
    elif args.command == "bench":
        return bench_command.run(args)
    return 0


def _figures(args) -> int:
    from gen_src.builder import pipeline, registry

    try:
        settings = pipeline.Settings.resolve(
            args.profile, args.device, args.cache_dir, origin="cli"
        )
        if args.shard:
            from gen_src.builder import shards

            if args.only:
                raise ValueError("--shard trains runs: give it without --only")
            return shards.train_command(
                settings, args.shard, args.out, args.sources
            )
        pipe = pipeline.Pipeline(settings)
        names = args.only or sorted(registry.figures())
        for name in names:
            registry.figure(name)
    except (ValueError, KeyError, RuntimeError) as err:
        print(f"error: {err.args[0] if err.args else err}", file=sys.stderr)
        return 2
    failed = {}
    print(f"profile {settings.profile}, cache {settings.cache_dir}")
    try:
        pipe.train_missing(names)  # side by side; failures per figure below
    except (ValueError, OSError, RuntimeError) as err:
        # e.g. no dataset: each figure that needs it says so below
        logging.debug("training side by side failed: %s", err)
    for name in names:
        started = time.perf_counter()
        try:
            result = pipe.figure(name)
        except KeyboardInterrupt:
            raise
        except Exception as err:  # every cause is reported once, at the end
            failed[name] = err
            continue
        state = "drawn" if result.trained else "cached"
        print(
            f"{name:<28} {state:<7} {time.perf_counter() - started:7.1f} s"
            f"  {result.png}"
        )
    for line in grouped(failed):
        print(f"FAILED {line}", file=sys.stderr)
    return 1 if failed else 0


def grouped(failures: dict) -> list[str]:
    """One line per cause, naming every figure it failed."""
    by_cause: dict[str, list[str]] = {}
    for name, err in failures.items():
        by_cause.setdefault(f"{type(err).__name__}: {err}", []).append(name)
    return [
        f"{', '.join(names)}: {cause}" for cause, names in by_cause.items()
    ]


def _notebooks(args) -> int:
    from gen_src.builder import notebook_publish, notebooks, pipeline

    try:
        settings = pipeline.Settings.resolve(
            args.profile, args.device, args.cache_dir, origin="cli"
        )
        pipe = pipeline.Pipeline(settings)
        known = notebooks.find()
        unknown = sorted(set(args.only or []) - set(known))
        if unknown:
            raise ValueError(
                f"--only {' '.join(unknown)}: no such notebook; known: "
                f"{', '.join(sorted(known))} (docs/notebooks/NAME.py)"
            )
    except (ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"profile {settings.profile}, cache {settings.cache_dir}")
    results = notebooks.build(pipe, notebook_publish.repository(), args.only)
    failed = {
        f"{name} ({lang})": r
        for (name, lang), r in results.items()
        if isinstance(r, Exception)
    }
    for line in grouped(failed):
        print(f"FAILED {line}", file=sys.stderr)
    for (name, lang), result in results.items():
        if isinstance(result, Exception):
            continue
        state = "made" if result.made else "cached"
        print(
            f"{name:<12} {lang:<3} {state:<8} "
            f"{result.record['seconds']:6.1f} s  {result.ipynb}"
        )
    return 1 if failed else 0


def _keys(args) -> int:
    """One line per cached thing: `run NAME KEY`, `figure NAME KEY`,
    `notebook NAME KEY`, as a build with this profile would look them up.
    Computed from the files alone (and the dataset's fingerprint): nothing
    is trained, and an empty cache gives the same lines as a full one."""
    from gen_src.builder import (
        notebook_publish,
        notebooks,
        pipeline,
        registry,
        strings,
    )

    try:
        settings = pipeline.Settings.resolve(
            args.profile, None, args.cache_dir, origin="cli"
        )
        pipe = pipeline.Pipeline(settings)
        lines = [
            f"run {name} {pipe.located_key(name)}"
            for name in sorted(registry.runs())
        ]
        lines += [
            f"figure {name} {pipe.figure_key(name)}"
            for name in sorted(registry.figures())
        ]
        default = strings.default_language()
        repository = notebook_publish.repository()
        for name, sources in sorted(notebooks.find().items()):
            if default in sources:
                key = notebooks.key(pipe, sources[default], repository)
                lines.append(f"notebook {name} {key}")
    except (ValueError, KeyError, RuntimeError, OSError) as err:
        print(f"error: {err.args[0] if err.args else err}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0
