"""`{{ ablation_table GROUP }}` on a page -> one group of the ablations.

The rows are the group's variants (gen_src.builder.bench_ablations.GROUPS),
read from bench/ablations-quick.json, which
`python -m gen_src bench ablations --profile quick --seeds 5` writes
(committed): mean ± standard error over the seeds, on both toy sets, with
a caption generated from the JSON. Nothing in it is typed into a page.
"""

from __future__ import annotations

import html
import re

from gen_src.builder import bench_ablations, strings
from gen_src.website.benchmark_md import (
    DATASETS,
    NUMBERS,
    TableError,
    _best,
    _site_cell,
    expand_tables,
    head_html,
    load_bench,
    row_html,
    table_div,
)
from gen_src.website.page_context import PageContext

DIRECTIVE = re.compile(
    r"^[ \t]*\{\{\s*ablation_table\s+(?P<group>[\w-]+)\s*\}\}[ \t]*$", re.M
)
PROFILE = "quick"


def referenced(markdown: str) -> bool:
    return bool(DIRECTIVE.search(markdown))


def load(profile: str = PROFILE) -> dict:
    data = load_bench(profile, "ablations")
    if data is None:
        raise TableError(
            f"bench/ablations-{profile}.json is missing; run python -m "
            f"gen_src bench ablations --profile {profile} --seeds 5"
        )
    return data


def table_html(group: str, lang: str) -> str:
    if group not in bench_ablations.GROUPS:
        raise TableError(
            f"ablation_table {group!r} is unknown; choose one of "
            f"{', '.join(bench_ablations.GROUPS)}"
        )
    t = strings.table(lang)["ablation_table"]
    names = strings.table(lang)["modes_table"]
    data = load()
    rows = []
    for variant in bench_ablations.GROUPS[group]:
        found = [r for r in data["rows"] if r["method"] == variant]
        if {r["dataset"] for r in found} != set(DATASETS):
            raise TableError(
                f"bench/ablations-{PROFILE}.json has no {variant} on both "
                f"sets; run python -m gen_src bench ablations --profile "
                f"{PROFILE} --seeds 5 --methods {variant}"
            )
        cells = {
            (r["dataset"], n): _site_cell(r[n], n)
            for r in found
            for n in NUMBERS
        }
        rows.append({"method": t["variants"][variant], "cells": cells})
    best = _best(rows)
    esc = html.escape
    head = head_html(names)
    first = data.get("first_seed", 0)
    caption = t["caption"].format(
        profile=data["profile"],
        first=first,
        last=first + data["seeds"] - 1,
        revision=esc(str(data["revision"])[:7]),
    )
    return table_div(head, [row_html(r, best) for r in rows], caption)


def expand(markdown: str, page: PageContext) -> str:
    return expand_tables(
        DIRECTIVE, lambda m, lang: table_html(m["group"], lang), markdown, page
    )
