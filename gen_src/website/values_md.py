"""Numbers and settings from the build's own runs, written into the prose.

Two directives, in both languages' pages:

    {{ value RUN FIELD [FORMAT] }}   inline: one value of RUN's record
    {{ value RUN@PROFILE config.FIELD [FORMAT] }}
                                     inline: a setting of RUN under another
                                     profile ("full trains for N epochs")
    {{ settings RUN [RUN ...] }}     on its own line: every config field
                                     of the runs, per profile, as a table

FIELD is a dotted path into the run's record: `metrics.modes`,
`config.batch_size`, `seconds`. FORMAT is a Python format spec (`.0%`,
`.1f`, `,`). The record is the one the page's figures were drawn from
(a cached `full` run is preferred over `quick`), so a number in the text
always matches the figure beside it, whatever the profile.
"""

from __future__ import annotations

import re

from gen_src.builder import strings
from gen_src.website.background import StillTraining
from gen_src.website.page_context import DirectiveError, PageContext

VALUE = re.compile(
    r"\{\{\s*value\s+(?P<run>[\w-]+)(?:@(?P<profile>\w+))?"
    r"\s+(?P<field>[\w.]+)"
    r"(?:\s+(?P<format>[^\s}]+))?\s*\}\}"
)
SETTINGS = re.compile(
    r"^[ \t]*\{\{\s*settings\s+(?P<runs>[\w\s-]+?)\s*\}\}"
    r"[ \t]*$",
    re.M,
)
SHOWN_PROFILES = ("quick", "full")


class ValueDirectiveError(DirectiveError, ValueError):
    """A directive names a run, field or format that does not exist."""


def referenced(markdown: str) -> bool:
    return bool(VALUE.search(markdown) or SETTINGS.search(markdown))


def runs_named(markdown: str) -> list[str]:
    names = [m["run"] for m in VALUE.finditer(markdown)]
    for m in SETTINGS.finditer(markdown):
        names += m["runs"].split()
    return names


def lookup(record: dict, field: str, where: str):
    value: object = record
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            known = (
                ", ".join(sorted(value)) if isinstance(value, dict) else "none"
            )
            raise ValueDirectiveError(
                f"{where}: the record of run {record.get('run')!r} has no "
                f"field {field!r} ({part!r} not among: {known})"
            )
        value = value[part]
    return value


def format_value(value, spec: str | None, where: str) -> str:
    if spec is None:
        if isinstance(value, float):
            return f"{value:.3g}"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "none" if value is None else str(value)
    try:
        return format(value, spec)
    except (ValueError, TypeError) as err:
        raise ValueDirectiveError(
            f"{where}: format {spec!r} does not fit the value "
            f"{value!r} ({err})"
        ) from err


def expand(markdown: str, page: PageContext) -> str:
    """Replace every directive; page.pipe gives records and configs.

    page.pipe None (the pipeline is off): values become an ellipsis and
    tables a note, so prose can still be read and checked.
    """
    pipe, lang = page.pipe, page.lang

    def value(match: re.Match) -> str:
        where = f"{page.where}: {match[0]}"
        if pipe is None:
            return "…"
        if not match["profile"] and match["run"] in page.waiting:
            why = page.waiting[match["run"]]  # serve: training, or failed
            if isinstance(why, StillTraining):
                return strings.table(lang)["serve"]["value"]
            return page.fail(f"{where}: {why}", ValueDirectiveError)
        try:
            if match["profile"]:
                record = _profile_config(pipe, match, where)
            else:
                record = _record(pipe, match["run"], where)
            return format_value(
                lookup(record, match["field"], where), match["format"], where
            )
        except ValueDirectiveError as err:
            return page.fail(str(err), ValueDirectiveError)

    def settings(match: re.Match) -> str:
        where = f"{page.where}: {match[0].strip()}"
        if pipe is None:
            off = strings.table(lang)["settings"]["off"]
            return f"<p><em>{off}</em></p>"
        try:
            return "\n\n".join(
                _table(pipe, run, lang, where) for run in match["runs"].split()
            )
        except ValueDirectiveError as err:
            return page.fail(str(err), ValueDirectiveError)

    return VALUE.sub(value, SETTINGS.sub(settings, markdown))


def _known(run: str, where: str) -> None:
    from gen_src.builder import registry

    if run not in registry.runs():
        raise ValueDirectiveError(
            f"{where}: unknown run {run!r}; known runs: "
            f"{', '.join(sorted(registry.runs()))}"
        )


def _record(pipe, run: str, where: str) -> dict:
    _known(run, where)
    return pipe.record(run)


def _profile_config(pipe, match: re.Match, where: str) -> dict:
    """{"config": ...} of the run under the named profile: its preset,
    known without training."""
    _known(match["run"], where)
    if match["profile"] not in SHOWN_PROFILES + ("smoke",):
        raise ValueDirectiveError(
            f"{where}: unknown profile {match['profile']!r}; profiles: "
            f"smoke, {', '.join(SHOWN_PROFILES)}"
        )
    if not match["field"].startswith("config."):
        raise ValueDirectiveError(
            f"{where}: only settings (config.FIELD) are known for another "
            f"profile without its run; write {{{{ value {match['run']} "
            f"{match['field']} }}}} for this build's run"
        )
    return {"config": pipe.config(match["run"], match["profile"])}


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(str(v) for v in value) + ")"
    if isinstance(value, float):
        return f"{value:g}"
    return "None" if value is None else str(value)


def _table(pipe, run: str, lang: str, where: str) -> str:
    t = strings.table(lang)["settings"]
    _known(run, where)
    used = pipe.located_key(run).split(":")[0]  # known without training
    configs = {p: pipe.config(run, p) for p in SHOWN_PROFILES}
    heads = [
        t["used" if p == used else "profile"].format(p) for p in SHOWN_PROFILES
    ]
    rows = [
        f"| {t['setting']} | " + " | ".join(heads) + " |",
        "|---|" + "---|" * len(SHOWN_PROFILES),
    ]
    for field in configs[SHOWN_PROFILES[0]]:
        cells = [_cell(configs[p].get(field)) for p in SHOWN_PROFILES]
        differ = len(set(cells)) > 1
        shown = [f"**{c}**" if differ else c for c in cells]
        rows.append(f"| `{field}` | " + " | ".join(shown) + " |")
    caption = t["caption"].format(run)
    return (
        '<div class="settings-table" markdown="1">\n\n'
        + "\n".join(rows)
        + f'\n\n<p class="settings-caption">{caption}</p>\n\n</div>'
    )
