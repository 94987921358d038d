"""`{{ modes_table }}` on a page -> the mode-collapse results table.

The site's rows come from the benchmark JSON that
`python -m gen_src bench modes --profile P --seeds 5 --first-seed 5`
writes (bench/modes-P-seeds5.json, one file per profile, committed): the
held-out seeds 5-9. Every setting was chosen on seeds 0-4
(bench/modes-P.json and the ablations), which the table does not
show; `tuning:` claims read them. The published rows
from published_modes.toml, with their papers. Nothing in the table is
typed into a page. Site numbers are mean ± standard error over the seeds,
as Lin et al. report theirs.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import statistics
import tomllib
from pathlib import Path

from gen_src import runtime
from gen_src.builder import strings
from gen_src.website.page_context import DirectiveError, PageContext

DIRECTIVE = re.compile(r"^[ \t]*\{\{\s*modes_table\s*\}\}[ \t]*$", re.M)
PUBLISHED = Path(__file__).with_name("published_modes.toml")
DATASETS = ("ring", "grid")
NUMBERS = ("modes", "high_quality", "reverse_kl")
PROFILES = ("quick", "full")
LOWER_IS_BETTER = {"reverse_kl"}
HELD_OUT = 5  # the table's first seed; settings were chosen on 0..4


class TableError(DirectiveError, ValueError):
    """The benchmark JSON is missing or does not hold what the table needs."""


def referenced(markdown: str) -> bool:
    return bool(DIRECTIVE.search(markdown))


def bench_file(profile: str, table: str = "modes", held_out=None) -> Path:
    """held_out: the seeds from HELD_OUT (default: the modes table's)
    or those the settings were chosen on."""
    if held_out is None:
        held_out = table == "modes"
    suffix = f"-seeds{HELD_OUT}" if held_out else ""
    return runtime.home() / "bench" / f"{table}-{profile}{suffix}.json"


def rerun_command(profile: str, table: str = "modes", held_out=None) -> str:
    """The command that writes bench_file(profile, table, held_out)."""
    if held_out is None:
        held_out = table == "modes"
    first = f" --first-seed {HELD_OUT}" if held_out else ""
    return (
        f"python -m gen_src bench {table} --profile {profile} --seeds 5{first}"
    )


def load_bench(
    profile: str, table: str = "modes", held_out=None
) -> dict | None:
    """The benchmark of profile (table: modes or ablations), each row's
    numbers as lists over its seeds, or None if it was never run. Read
    once per version of the file (a page's claims ask for it hundreds of
    times a build); the caller must not change what it gets."""
    path = bench_file(profile, table, held_out)
    if not path.exists():
        return None
    command = rerun_command(profile, table, held_out)
    return _parsed(path, path.stat().st_mtime_ns, command)


@functools.lru_cache(maxsize=8)
def _parsed(path: Path, mtime: int, command: str) -> dict:
    try:
        data = json.loads(path.read_text())
        for row in data["rows"]:
            for number in NUMBERS:
                row[number] = [r[number] for r in row["runs"]]
        return data
    except (ValueError, KeyError, TypeError) as err:
        raise TableError(
            f"{path}: not a benchmark's JSON ({err!r}); run it again: "
            f"{command}"
        ) from err


@functools.cache
def published() -> dict:
    with PUBLISHED.open("rb") as f:
        return tomllib.load(f)


def _site_cell(values: list[float], number: str) -> tuple[float, str]:
    """(mean, text) of one method's seeds: mean ± standard error."""
    if not all(math.isfinite(v) for v in values):
        return math.inf, "∞"
    mean = statistics.fmean(values)
    se = (
        statistics.stdev(values) / math.sqrt(len(values))
        if len(values) > 1
        else 0.0
    )
    return mean, _text(number, mean, se, site=True)


def _text(
    number: str, mean: float, spread: float | None, site: bool = False
) -> str:
    """The papers give the reverse KL to 2 decimals; the site's rows
    give 3, where the best methods differ."""
    scale, digits = {"modes": (1, 1), "high_quality": (100, 1)}.get(
        number, (1, 3 if site else 2)
    )
    text = f"{scale * mean:.{digits}f}"
    if spread is not None:
        text += f" ± {scale * spread:.{digits}f}"
    return text


def rows(lang: str) -> list[dict]:
    """Every row of the table: {group, method, cells {(dataset, number):
    (value, text)}}; value None where a paper does not report a number."""
    t = strings.table(lang)["modes_table"]
    out = []
    for profile in PROFILES:
        data = load_bench(profile)
        if data is None:
            continue
        first = data.get("first_seed", 0)
        group = t["site"].format(
            profile=profile, first=first, last=first + data["seeds"] - 1
        )
        for method in dict.fromkeys(r["method"] for r in data["rows"]):
            cells = {}
            for row in data["rows"]:
                if row["method"] != method:
                    continue
                for number in NUMBERS:
                    cells[row["dataset"], number] = _site_cell(
                        row[number], number
                    )
            out.append(
                {
                    "group": group,
                    "method": t["methods"][method],
                    "cells": cells,
                    "site": True,
                }
            )
    papers = published()["papers"]
    for row in published()["rows"]:
        paper = papers[row["paper"]]
        cells = {}
        for dataset in DATASETS:
            for number in NUMBERS:
                got = row[dataset].get(number)
                if got is None:
                    cells[dataset, number] = (None, "—")
                    continue
                scale = 100 if number == "high_quality" else 1
                mean = got[0] / scale
                spread = got[1] / scale if len(got) > 1 else None
                cells[dataset, number] = (mean, _text(number, mean, spread))
        out.append(
            {
                "group": paper["cite"],
                "method": row["method"],
                "cells": cells,
                "site": False,
            }
        )
    return out


def _best(all_rows: list[dict]) -> dict:
    best = {}
    for dataset in DATASETS:
        for number in NUMBERS:
            values = [
                r["cells"][dataset, number][0]
                for r in all_rows
                if r["cells"].get((dataset, number), (None,))[0] is not None
            ]
            if values:
                pick = min if number in LOWER_IS_BETTER else max
                best[dataset, number] = pick(values)
    return best


def table_html(lang: str) -> str:
    t = strings.table(lang)["modes_table"]
    all_rows = rows(lang)
    if not any(r["site"] for r in all_rows):
        raise TableError(
            f"no benchmark to show: {bench_file('quick').name} is missing in "
            f"bench/; run {rerun_command('quick')}"
        )
    best = _best(all_rows)
    esc = html.escape
    head = head_html(t)
    body, group = [], None
    for r in all_rows:
        if r["group"] != group:
            group = r["group"]
            body.append(
                f'<tr class="modes-group"><th colspan="7">'
                f"{esc(group)}</th></tr>"
            )
        body.append(row_html(r, best))
    return table_div(head, body, t["caption"])


def head_html(t: dict) -> str:
    """Two header rows: the data sets, then their numbers (t: names)."""
    esc = html.escape
    return (
        '<thead><tr><th rowspan="2"></th>'
        + "".join(f'<th colspan="3">{esc(t[d])}</th>' for d in DATASETS)
        + "</tr><tr>"
        + "".join(f"<th>{esc(t[n])}</th>" for _ in DATASETS for n in NUMBERS)
        + "</tr></thead>"
    )


def row_html(row: dict, best: dict) -> str:
    """One method's row: a cell per data set and number, the best bold."""
    esc = html.escape
    cells = []
    for dataset in DATASETS:
        for number in NUMBERS:
            value, text = row["cells"].get((dataset, number), (None, "—"))
            strong = value is not None and value == best.get((dataset, number))
            cells.append(
                f"<td><strong>{esc(text)}</strong></td>"
                if strong
                else f"<td>{esc(text)}</td>"
            )
    return f"<tr><th>{esc(row['method'])}</th>{''.join(cells)}</tr>"


def table_div(head: str, body: list[str], caption: str) -> str:
    """A results table of the site's style, with its caption."""
    return (
        '<div class="modes-table"><table>'
        + head
        + "<tbody>"
        + "".join(body)
        + "</tbody></table>"
        + f'<p class="settings-caption">{caption}</p></div>'
    )


def expand_tables(directive, render, markdown: str, page: PageContext) -> str:
    """Each match of directive replaced by render(match, lang), or by an
    error the page shows (serve) or the build stops on."""

    def table(match: re.Match) -> str:
        try:
            return render(match, page.lang)
        except TableError as err:
            return page.fail(f"{page.where}: {err}", TableError, "p")

    return directive.sub(table, markdown)


def expand(markdown: str, page: PageContext) -> str:
    return expand_tables(
        DIRECTIVE, lambda match, lang: table_html(lang), markdown, page
    )
