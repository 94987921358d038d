"""The speed benchmark: a toy GAN's round alone against in a stack.

    python -m gen_src bench speed [--profile quick] [--device auto]

For K = 1, 5 and 10 seeds of the ring's GAN (the profile's networks, a
few hundred rounds), it trains the K runs one after another (each alone,
as a build trains them) and then as one stack (gen_src.stacking), on the
machine it runs on, and prints the time per GAN round of each, side by
side, and their ratio.
"""

from __future__ import annotations

import dataclasses
import time

STACKS = (1, 5, 10)


def _seconds(train, configs) -> float:
    started = time.perf_counter()
    train(configs)
    return time.perf_counter() - started


def speed(
    profile: str = "quick",
    device: str = "auto",
    rounds: int = 300,
    stacks: tuple[int, ...] = STACKS,
) -> list[dict]:
    """Per K: seconds per GAN round alone and stacked (each run's share)."""
    import torch

    from .. import config as cfg
    from .. import gan, runtime

    runtime.check_profile(profile)
    cfg.check_int("rounds", rounds, 1)
    dev = runtime.resolve_device(device)
    base = dataclasses.replace(
        gan.config_for(profile, dataset="ring"),
        num_steps=rounds,
        snapshot_every=rounds,
    )

    def alone(configs):
        for c in configs:
            gan.train(c, device=device, progress=False)

    def stacked(configs):
        gan.train_many(configs, device=device, progress=False)

    warm = dataclasses.replace(base, num_steps=20, snapshot_every=20)
    alone([warm])  # the first calls load and set up
    stacked([warm, dataclasses.replace(warm, seed=1)])
    print(
        f"toy GAN on the ring, {profile} networks {base.hidden}, batch "
        f"{base.batch_size}, {rounds} rounds, on {runtime.device_name(dev)}"
        f" (torch {torch.__version__})"
    )
    print(f"{'K':>3} {'alone ms/round':>15} {'stacked ms/round':>17} {'x':>6}")
    rows = []
    for k in stacks:
        configs = [dataclasses.replace(base, seed=s) for s in range(k)]
        per_round = 1000 / (k * rounds)
        a = per_round * _seconds(alone, configs)
        s = per_round * _seconds(stacked, configs)
        rows.append({"runs": k, "alone_ms": a, "stacked_ms": s})
        print(f"{k:>3} {a:15.2f} {s:17.2f} {a / s:6.2f}", flush=True)
    return rows
