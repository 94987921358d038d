"""`{{ ablation_table GROUP }}` on a page -> one group of the ablations.

The rows are the group's variants (gen_src.builder.bench_ablations.GROUPS),
read from bench/ablations-quick.json, which
`python -m gen_src bench ablations --profile quick --seeds 5` writes
(committed): mean ± standard error over the seeds, on both toy sets, with
a caption generated from the JSON. Nothing in it is typed into a page.
"""

from __future__ import annotations

import html
import json
import re

from gen_src import runtime
from gen_src.builder import bench_ablations, strings
from gen_src.website.benchmark_md import (
    DATASETS,
    NUMBERS,
    TableError,
    _best,
    _site_cell,
)
from gen_src.website.page_context import PageContext

DIRECTIVE = re.compile(
    r"^[ \t]*\{\{\s*ablation_table\s+(?P<group>[\w-]+)\s*\}\}[ \t]*$", re.M
)
PROFILE = "quick"


def referenced(markdown: str) -> bool:
    return bool(DIRECTIVE.search(markdown))


def load(profile: str = PROFILE) -> dict:
    path = runtime.home() / "bench" / f"ablations-{profile}.json"
    how = f"python -m gen_src bench ablations --profile {profile} --seeds 5"
    if not path.exists():
        raise TableError(
            f"bench/ablations-{profile}.json is missing; run {how}"
        )
    try:
        data = json.loads(path.read_text())
        for row in data["rows"]:
            for number in NUMBERS:
                row[number] = [r[number] for r in row["runs"]]
        return data
    except (ValueError, KeyError, TypeError) as err:
        raise TableError(
            f"{path}: not an ablation ({err!r}); run {how}"
        ) from err


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
    head = (
        '<thead><tr><th rowspan="2"></th>'
        + "".join(f'<th colspan="3">{esc(names[d])}</th>' for d in DATASETS)
        + "</tr><tr>"
        + "".join(
            f"<th>{esc(names[n])}</th>" for _ in DATASETS for n in NUMBERS
        )
        + "</tr></thead>"
    )
    body = []
    for r in rows:
        cells = []
        for key in ((d, n) for d in DATASETS for n in NUMBERS):
            value, text = r["cells"][key]
            strong = value == best.get(key)
            cells.append(
                f"<td><strong>{esc(text)}</strong></td>"
                if strong
                else f"<td>{esc(text)}</td>"
            )
        body.append(f"<tr><th>{esc(r['method'])}</th>{''.join(cells)}</tr>")
    first = data.get("first_seed", 0)
    caption = t["caption"].format(
        profile=data["profile"],
        first=first,
        last=first + data["seeds"] - 1,
        revision=esc(str(data["revision"])[:7]),
    )
    return (
        '<div class="modes-table"><table>'
        + head
        + "<tbody>"
        + "".join(body)
        + "</tbody></table>"
        + f'<p class="settings-caption">{caption}</p></div>'
    )


def expand(markdown: str, page: PageContext) -> str:
    def table(match: re.Match) -> str:
        try:
            return table_html(match["group"], page.lang)
        except TableError as err:
            return page.fail(f"{page.where}: {err}", TableError, "p")

    return DIRECTIVE.sub(table, markdown)
