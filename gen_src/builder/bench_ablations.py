"""The ablations: what each ingredient of the remedies does, on the site's
own protocol (the mode benchmark's data, scores and budget).

    python -m gen_src bench ablations --profile quick --seeds 5

Each variant below trains on the ring and the grid for the seeds, as the
mode benchmark trains its methods (gen_src.builder.bench_modes.modes with
table="ablations": stacks, the JSON, the table it prints), and writes
bench/ablations-PROFILE.json. GROUPS says which variants are compared
with which; a variant is a family and the overrides of its profile
preset.
"""

from __future__ import annotations

from .. import gan

EMA = {"g_ema": gan.R1_REMEDY["g_ema"]}  # the average of G's weights


def _packs_of(m: int, lr: float):
    """B packs of m points: m times the profile's batch of points, so D
    gives as many verdicts per step as the unpacked GAN's."""

    def overrides(profile: str) -> dict:
        batch = gan.config_for(profile).batch_size
        return {"pack": m, "batch_size": batch * m, "lr": lr}

    return overrides


PACKING = {}
for _m in (1, 2, 4):
    for _lr in (2e-3, 1e-4):
        # B points in B/m packs: the batch the mode benchmark uses
        PACKING[f"pack{_m}-points-lr{_lr:g}"] = (
            "gan",
            {"pack": _m, "lr": _lr},
        )
        if _m > 1:
            PACKING[f"pack{_m}-packs-lr{_lr:g}"] = ("gan", _packs_of(_m, _lr))

VARIANTS = {
    **PACKING,
    # R1 and the average of G, alone and together (nonsaturating: neither)
    "r1": ("gan", {"r1": gan.R1}),
    "ema": ("gan", EMA),
    "r1-ema": ("gan", gan.R1_REMEDY),
    # the average of G for every method, to compare like with like
    "minimax-ema": ("gan", {"loss": "minimax", **EMA}),
    "pacgan2-ema": ("gan", {"pack": 2, **EMA}),
    "pacgan4-ema": ("gan", {"pack": 4, **EMA}),
    "wgan-gp-ema": ("wgan", EMA),
    # R1's weight gamma, with the average (gamma = 1: r1-ema)
    "r1-0.1-ema": ("gan", {"r1": 0.1, **EMA}),
    "r1-10-ema": ("gan", {"r1": 10.0, **EMA}),
    # spectral normalisation of D's layers (Miyato et al. 2018)
    "sn": ("sngan", {}),
    "sn-ema": ("sngan", EMA),
}

GROUPS = {
    "packing": list(PACKING),
    "r1_ema": ["pack1-points-lr0.002", "r1", "ema", "r1-ema"],
    "ema": [
        "minimax-ema",
        "ema",
        "pacgan2-ema",
        "pacgan4-ema",
        "wgan-gp-ema",
        "r1-ema",
    ],
    "gamma": ["r1-0.1-ema", "r1-ema", "r1-10-ema"],
    "spectral_norm": ["pack1-points-lr0.002", "sn", "ema", "sn-ema"],
}
