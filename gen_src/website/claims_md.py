"""`{{ holds LEFT OP RIGHT }}` after a sentence: the build checks it.

A sentence that compares numbers ("WGAN-GP beats the plain GAN on the
grid") is followed by the comparison it makes, in both languages:

    ... on the grid.{{ holds bench:full:wgan-gp:grid:modes >
    bench:full:nonsaturating:grid:modes }}

The directive renders as nothing. When a rerun changes the numbers so
that the comparison no longer holds, the build stops (under `mkdocs
serve`: an error box) and names the page and the claim, so the sentence
is rewritten instead of left wrong. An operand is one of

    bench:PROFILE:METHOD:DATASET:NUMBER[:AGG]   the mode benchmark's
        JSON on the held-out seeds the site's table shows
        (bench/modes-PROFILE-seeds5.json): NUMBER is a number of its runs
        (modes, high_quality as a share 0-1, reverse_kl, seconds, stacked:
        the runs of its stack, 1 alone, ...),
        or failed (seeds with under half of their samples of high
        quality); AGG over the seeds is mean (default), min or max;
        METHOD max or min is the largest or smallest over the methods,
        max-gan or min-gan over the GANs (not diffusion, flow matching)
    tuning:PROFILE:METHOD:DATASET:NUMBER[:AGG]   the same, on seeds 0-4,
        which the settings were chosen on (bench/modes-PROFILE.json)
    ablation:PROFILE:VARIANT:DATASET:NUMBER[:AGG]   the same, from the
        ablations (bench/ablations-PROFILE.json)
    paper:PAPER:METHOD:DATASET:NUMBER           a published row
        (published_modes.toml; high_quality as a share, like the bench)
    protocol:METHOD:DATASET:NUMBER              PacGAN's Table 1 under
        its own protocol (bench/pacgan-protocol.json; protocol:epochs)
    RUN FIELD                                   a field of the record of
        a run of this build, as in {{ value RUN FIELD }}
    a number

Claims on the benchmark and the papers are checked in every build, both
profiles' JSON at once. Claims on runs are checked against the runs the
page shows, except under the smoke profile (seconds of training, whose
numbers mean nothing) and with the pipeline off.
"""

from __future__ import annotations

import math
import operator
import re
import statistics

from gen_src.website import benchmark_md, values_md
from gen_src.website.page_context import DirectiveError, PageContext

HOLDS = re.compile(r"\{\{\s*holds\s+(?P<claim>[^}]+?)\s*\}\}")
OPERATORS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": lambda a, b: math.isclose(a, b, rel_tol=1e-9),
}
AGGREGATES = {"mean": statistics.fmean, "min": min, "max": max}


class ClaimError(DirectiveError, ValueError):
    """A claim that no longer holds, or that cannot be read."""


def referenced(markdown: str) -> bool:
    return bool(HOLDS.search(markdown))


def claims(markdown: str) -> list[str]:
    return [" ".join(m["claim"].split()) for m in HOLDS.finditer(markdown)]


def _bench(spec: str, where: str) -> float:
    parts = spec.split(":")[1:]
    if len(parts) == 4:
        parts.append("mean")
    if len(parts) != 5 or parts[4] not in AGGREGATES:
        raise ClaimError(
            f"{where}: {spec!r} is not bench:PROFILE:METHOD:DATASET:"
            f"NUMBER[:mean|min|max]"
        )
    profile, method, dataset, number, aggregate = parts
    if spec.startswith("ablation:"):
        from gen_src.website import ablation_md

        try:
            data = ablation_md.load(profile)
        except benchmark_md.TableError as err:
            raise ClaimError(f"{where}: {err}") from None
    else:
        held_out = not spec.startswith("tuning:")
        data = benchmark_md.load_bench(profile, held_out=held_out)
        if data is None:
            path = benchmark_md.bench_file(profile, held_out=held_out)
            raise ClaimError(
                f"{where}: bench/{path.name} is missing; run "
                f"{benchmark_md.rerun_command(profile, held_out=held_out)}"
            )
    values = {}  # method -> the number, aggregated over its seeds
    for row in data["rows"]:
        if row["dataset"] != dataset:
            continue
        runs = row["runs"]
        if number == "failed":
            values[row["method"]] = sum(r["high_quality"] < 0.5 for r in runs)
        elif all(isinstance(_number(r, number), (int, float)) for r in runs):
            got = [_number(r, number) for r in runs]
            values[row["method"]] = AGGREGATES[aggregate](got)
    extreme, _, among = method.partition("-")
    if extreme in ("max", "min") and among in ("", "gan") and values:
        if among:  # the GANs only
            from gen_src.builder.bench_modes import DENOISING

            values = {k: v for k, v in values.items() if k not in DENOISING}
        return (max if extreme == "max" else min)(values.values())
    if method not in values:
        raise ClaimError(f"{where}: no {spec!r} in its benchmark's JSON")
    return values[method]


def _number(run: dict, name: str):
    """A number of one run of the benchmark; runs recorded before stacks
    (gen_src.stacking) have no `stacked`: they trained alone, 1."""
    return run.get(name, 1 if name == "stacked" else None)


def _paper(spec: str, where: str) -> float:
    parts = spec.split(":")[1:]
    for row in benchmark_md.published()["rows"]:
        if len(parts) == 4 and [row["paper"], row["method"]] == parts[:2]:
            got = row.get(parts[2], {}).get(parts[3])
            if got is not None:
                scale = 100 if parts[3] == "high_quality" else 1
                return got[0] / scale
    raise ClaimError(
        f"{where}: no published number {spec!r} (paper:PAPER:METHOD:"
        f"DATASET:NUMBER, from published_modes.toml)"
    )


def _protocol(spec: str, where: str) -> float:
    """protocol:METHOD:DATASET:NUMBER, a row of PacGAN's Table 1 under
    its own protocol (bench/pacgan-protocol.json): the trials' mean, or
    epochs / trials for the whole run (protocol:epochs)."""
    from gen_src.website import protocol_md

    parts = spec.split(":")[1:]
    try:
        data = protocol_md.load()
    except benchmark_md.TableError as err:
        raise ClaimError(f"{where}: {err}") from None
    if parts in (["epochs"], ["trials"]):
        return data[parts[0]]
    for row in data["rows"]:
        if len(parts) == 3 and [row["method"], row["dataset"]] == parts[:2]:
            mean = row.get(parts[2], {}).get("mean", math.nan)
            return math.inf if mean is None else mean
    raise ClaimError(
        f"{where}: no {spec!r} in bench/pacgan-protocol.json "
        "(protocol:METHOD:DATASET:NUMBER, or protocol:epochs)"
    )


def _operands(tokens: list[str], where: str) -> tuple[list, str, list]:
    ops = [i for i, t in enumerate(tokens) if t in OPERATORS]
    if len(ops) != 1:
        raise ClaimError(
            f"{where}: a claim is LEFT OP RIGHT with one of "
            f"{' '.join(OPERATORS)}"
        )
    i = ops[0]
    return tokens[:i], tokens[i], tokens[i + 1 :]


def evaluate(claim: str, where: str, pipe, check_runs: bool) -> None:
    """Raise ClaimError unless the claim holds (runs: only if
    check_runs)."""
    left, op, right = _operands(claim.split(), where)
    values = []
    for side in (left, right):
        if len(side) == 2:
            if not check_runs:
                return
            record = values_md._record(pipe, side[0], where)
            values.append(values_md.lookup(record, side[1], where))
        elif len(side) == 1 and side[0].startswith(
            ("bench:", "tuning:", "ablation:")
        ):
            values.append(_bench(side[0], where))
        elif len(side) == 1 and side[0].startswith("paper:"):
            values.append(_paper(side[0], where))
        elif len(side) == 1 and side[0].startswith("protocol:"):
            values.append(_protocol(side[0], where))
        else:
            try:
                values.append(float(" ".join(side)))
            except ValueError:
                raise ClaimError(
                    f"{where}: {' '.join(side)!r} is not an operand (bench:"
                    f"..., paper:..., RUN FIELD or a number)"
                ) from None
    if not OPERATORS[op](*values):
        raise ClaimError(
            f"{where}: the sentence before it no longer holds: "
            f"{' '.join(left)} = {values[0]:.4g} is not {op} "
            f"{' '.join(right)} = {values[1]:.4g}; rewrite the sentence"
        )


def expand(markdown: str, page: PageContext) -> str:
    """Check every claim and remove it; page.pipe None: the pipeline is
    off, and only the benchmark's and the papers' claims are checked."""
    pipe = page.pipe
    # runs still training (serve) are checked once they are done
    check_runs = (
        pipe is not None
        and pipe.settings.profile != "smoke"
        and not page.waiting
    )

    def one(match: re.Match) -> str:
        claim = " ".join(match["claim"].split())
        where = f"{page.where}: {{{{ holds {claim} }}}}"
        try:
            evaluate(claim, where, pipe, check_runs)
        except (ClaimError, values_md.ValueDirectiveError) as err:
            return page.fail(str(err), ClaimError)
        return ""

    return HOLDS.sub(one, markdown)
