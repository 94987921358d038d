"""`python -m gen_src bench ...`: the benchmarks' command line.

quality, build, serve, speed, shards and modes (the site's protocol,
or --protocol pacgan); each prints its numbers, and modes writes the
JSON the pages read. A bad setting gets one line naming it, exit status 2.
"""

from __future__ import annotations

import sys


def add_parser(sub) -> None:
    bench = sub.add_parser("bench", help="benchmarks that print numbers")
    bench.add_argument(
        "what",
        choices=(
            "quality",
            "build",
            "modes",
            "ablations",
            "serve",
            "speed",
            "shards",
        ),
        nargs="?",
        default="quality",
    )
    bench.add_argument(
        "--profile", default="quick", choices=("smoke", "quick", "full")
    )
    bench.add_argument("--device", default="auto")
    bench.add_argument(
        "--fresh",
        action="store_true",
        help="train everything again in an empty cache",
    )
    bench.add_argument("--repeat", type=int, default=3)
    bench.add_argument(
        "--seeds", type=int, default=5, help="modes: seeds 0..N-1"
    )
    bench.add_argument(
        "--workers", type=int, help="modes: runs side by side (cores)"
    )
    bench.add_argument(
        "--methods", nargs="+", metavar="METHOD", help="modes: only these"
    )
    bench.add_argument(
        "--datasets", nargs="+", metavar="DATA", help="modes: only these"
    )
    bench.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="modes: seeds from this one (5: held out from seeds 0-4)",
    )
    bench.add_argument(
        "--protocol",
        default="site",
        help="modes: site (the site's settings) or pacgan (Lin et al.'s "
        "Table 1, as their code runs it)",
    )
    bench.add_argument(
        "--epochs", type=int, help="modes --protocol pacgan: (paper: 400)"
    )
    bench.add_argument(
        "--trials", type=int, help="modes --protocol pacgan: (paper: 10)"
    )
    bench.add_argument(
        "--shards", type=int, default=3, help="shards: the workflow's N"
    )
    bench.add_argument(
        "--alone",
        action="store_true",
        help="modes: train each seed alone, not the seeds as one stack",
    )


def run(args) -> int:
    try:
        _run(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


def _run(args) -> None:
    from gen_src.builder import bench, bench_modes

    if args.what == "quality":
        bench.quality(args.profile, args.fresh, args.device)
    elif args.what == "serve":
        from gen_src.builder import bench_serve

        bench_serve.serve(args.profile)
    elif args.what == "speed":
        from gen_src.builder import bench_speed

        bench_speed.speed(args.profile, args.device)
    elif args.what == "shards":
        from gen_src.builder import bench_shards

        bench_shards.shards(args.profile, args.shards)
    elif args.what == "modes" and _protocol(args) == "pacgan":
        from gen_src.builder import bench_pacgan

        bench_pacgan.reproduce(
            args.epochs or bench_pacgan.PAPER_EPOCHS,
            args.trials or bench_pacgan.PAPER_TRIALS,
            args.device,
            args.workers,
            args.alone,
            tuple(args.datasets or bench_modes.DATASETS),
        )
    elif args.what in ("modes", "ablations"):
        bench_modes.modes(
            args.profile,
            args.seeds,
            args.workers,
            args.methods,
            tuple(args.datasets or bench_modes.DATASETS),
            args.alone,
            table=args.what,
            first_seed=args.first_seed,
            device=args.device,
        )
    else:
        bench.build(args.repeat)


PROTOCOLS = ("site", "pacgan")


def _protocol(args) -> str:
    """--protocol, known, with --epochs and --trials only for pacgan's."""
    from gen_src import config as cfg

    cfg.check_choice("protocol", args.protocol, PROTOCOLS)
    for name in ("epochs", "trials"):
        value = getattr(args, name)
        if value is not None and args.protocol != "pacgan":
            raise ValueError(
                f"--{name} {value}: it sets the pacgan protocol's {name}; "
                "add --protocol pacgan (the site's protocol takes the "
                "profile's rounds and --seeds)"
            )
        if value is not None:
            cfg.check_int(name, value, 1)
    return args.protocol
