"""`{{ pacgan_protocol_table }}` on a page -> PacGAN's Table 1, reproduced.

The rows come from bench/pacgan-protocol.json, which
`python -m gen_src bench modes --protocol pacgan` writes (committed); the
paper's numbers beside them from published_modes.toml, through the same
JSON. The caption says how many of the paper's epochs and trials ran, on
which device, at which revision: nothing in it is typed into a page.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

from gen_src import runtime
from gen_src.builder import strings
from gen_src.website import provenance
from gen_src.website.benchmark_md import (
    DATASETS,
    NUMBERS,
    TableError,
    expand_tables,
    table_div,
)
from gen_src.website.page_context import PageContext

DIRECTIVE = re.compile(
    r"^[ \t]*\{\{\s*pacgan_protocol_table\s*\}\}[ \t]*$", re.M
)


def referenced(markdown: str) -> bool:
    return bool(DIRECTIVE.search(markdown))


def load() -> dict:
    """The reproduction, read once per version of the file (the caller
    must not change it)."""
    path = runtime.home() / "bench" / "pacgan-protocol.json"
    if not path.exists():
        raise TableError(
            "bench/pacgan-protocol.json is missing; run python -m gen_src "
            "bench modes --protocol pacgan (on a CPU: add --epochs 1)"
        )
    return _parsed(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _parsed(path: Path, mtime: int) -> dict:
    try:
        data = json.loads(path.read_text())
        for row in data["rows"]:
            for number in NUMBERS:
                if "mean" not in row[number] or number not in row["paper"]:
                    raise KeyError(number)
        return data
    except (ValueError, KeyError, TypeError) as err:
        raise TableError(
            f"{path}: not a PacGAN protocol benchmark ({err!r}); run "
            "python -m gen_src bench modes --protocol pacgan again"
        ) from err


def _cell(number: str, mean: float | None, se: float | None = None) -> str:
    if mean is None:
        return "∞"
    scale, digits = {"modes": (1, 1), "high_quality": (100, 1)}.get(
        number, (1, 2)
    )
    text = f"{scale * mean:.{digits}f}"
    return text if se is None else f"{text} ± {scale * se:.{digits}f}"


def table_html(lang: str) -> str:
    t = strings.table(lang)["protocol_table"]
    names = strings.table(lang)["modes_table"]
    data = load()
    esc = html.escape
    head = (
        '<thead><tr><th rowspan="2"></th>'
        + "".join(f'<th colspan="2">{esc(names[n])}</th>' for n in NUMBERS)
        + "</tr><tr>"
        + f"<th>{esc(t['ours'])}</th><th>{esc(t['paper'])}</th>" * 3
        + "</tr></thead>"
    )
    body = []
    for dataset in DATASETS:
        body.append(
            f'<tr class="modes-group"><th colspan="7">'
            f"{esc(names[dataset])}</th></tr>"
        )
        for row in (r for r in data["rows"] if r["dataset"] == dataset):
            cells = "".join(
                f"<td>{esc(_cell(n, row[n]['mean'], row[n]['se']))}</td>"
                f"<td>{esc(_cell(n, row['paper'][n]))}</td>"
                for n in NUMBERS
            )
            body.append(
                f"<tr><th>{esc(t['methods'][row['method']])}</th>{cells}</tr>"
            )
    steps = data["rows"][0]["runs"][0]["steps"]
    caption = t["caption"].format(
        epochs=data["epochs"],
        paper_epochs=data["paper_epochs"],
        steps=f"{steps:,}",
        trials=data["trials"],
        last=max(r["seed"] for r in data["rows"][0]["runs"]),
        device=esc(
            provenance.device(
                data["device"], strings.table(lang)["provenance"]
            )
        ),
        date=data["date"],
        revision=esc(str(data["revision"])[:7]),
    )
    return table_div(head, body, caption)


def expand(markdown: str, page: PageContext) -> str:
    return expand_tables(
        DIRECTIVE, lambda match, lang: table_html(lang), markdown, page
    )
