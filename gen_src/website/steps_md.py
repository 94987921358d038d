"""`{{ steps_table PROFILE }}` on a page -> the samplers' quality against
their steps, over the mode benchmark's held-out seeds.

Every diffusion and flow-matching run of `python -m gen_src bench modes`
records its sweep: each sampler's modes and high-quality share for 1 to
100 steps from the run's fixed noise (run["sweep"]). The table gives the
high-quality share's mean ± standard error over the seeds of
bench/modes-PROFILE-seeds5.json, a row per sampler and data set, a
column per step count; the caption says what a step costs.
"""

from __future__ import annotations

import html
import re

from gen_src.builder import bench_modes, strings
from gen_src.website.benchmark_md import (
    DATASETS,
    TableError,
    _site_cell,
    expand_tables,
    load_bench,
    rerun_command,
    table_div,
)
from gen_src.website.page_context import PageContext

DIRECTIVE = re.compile(
    r"^[ \t]*\{\{\s*steps_table\s+(?P<profile>\w+)\s*\}\}[ \t]*$", re.M
)


def referenced(markdown: str) -> bool:
    return bool(DIRECTIVE.search(markdown))


def sweeps(profile: str) -> dict:
    """{(method, dataset): {sampler: {steps: [share of each seed]}}} and
    the JSON they came from."""
    data = load_bench(profile)
    if data is None:
        raise TableError(
            f"bench/modes-{profile}-seeds5.json is missing; run "
            f"{rerun_command(profile, held_out=True)}"
        )
    found: dict = {}
    for row in data["rows"]:
        if row["method"] not in bench_modes.DENOISING:
            continue
        for run in row["runs"]:
            for sampler, by_steps in run["sweep"].items():
                for steps, (_, share) in by_steps.items():
                    key = row["method"], row["dataset"]
                    cell = found.setdefault(key, {}).setdefault(sampler, {})
                    cell.setdefault(int(steps), []).append(share)
    if not found:
        raise TableError(
            f"bench/modes-{profile}-seeds5.json has no diffusion or flow "
            f"matching rows; run {rerun_command(profile, held_out=True)} "
            f"--methods {' '.join(bench_modes.DENOISING)}"
        )
    return found, data


def table_html(profile: str, lang: str) -> str:
    t = strings.table(lang)
    names, words = t["modes_table"], t["steps_table"]
    found, data = sweeps(profile)
    steps = sorted({n for s in found.values() for c in s.values() for n in c})
    esc = html.escape
    head = (
        f"<thead><tr><th>{esc(words['sampler'])}</th>"
        f"<th>{esc(words['data'])}</th>"
        + "".join(f"<th>{n}</th>" for n in steps)
        + "</tr></thead>"
    )
    body = []
    for method in bench_modes.DENOISING:
        for dataset in DATASETS:
            for sampler, by_steps in found.get((method, dataset), {}).items():
                cells = "".join(
                    "<td>"
                    + esc(_site_cell(by_steps[n], "high_quality")[1])
                    + "</td>"
                    if n in by_steps
                    else "<td>—</td>"
                    for n in steps
                )
                body.append(
                    f"<tr><th>{esc(words['samplers'][sampler])}</th>"
                    f"<td>{esc(names[dataset])}</td>{cells}</tr>"
                )
    first = data.get("first_seed", 0)
    caption = words["caption"].format(
        profile=profile, first=first, last=first + data["seeds"] - 1
    )
    return table_div(head, body, caption)


def expand(markdown: str, page: PageContext) -> str:
    return expand_tables(
        DIRECTIVE,
        lambda m, lang: table_html(m["profile"], lang),
        markdown,
        page,
    )
