"""`![caption](widget:NAME){ attrs }` on a page -> a live figure.

NAME is a live figure (WIDGETS of a plot module, gen_src/plots/*.py).
The directive becomes the widget's still figure,
`![caption](fig:FIGURE){ attrs }`, inside a container that names the
data the browser loads:

    <div class="gen-widget" data-widget="..." data-config="{json}">
      <figure> the still, its caption and provenance line </figure>
    </div>

docs/assets/widgets.js turns the container into the live figure once
its data loaded and checked; with JavaScript off, while loading, or after
an error (shown in a box that names the file), the still stays. Both
languages embed the same widget: only its interface strings (from
gen_src/builder/strings/LANG.toml, [widgets], and for a replay
[modes_table.methods]) differ.
"""

from __future__ import annotations

import html
import json
import posixpath
import re

from mkdocs.structure.files import File

from gen_src.builder import export, live_figures, strings
from gen_src.website.page_context import DirectiveError, PageContext

WIDGET_REF = re.compile(
    r"!\[(?P<caption>(?:[^\]\\]|\\.)*)\]\(widget:(?P<name>[A-Za-z0-9_-]+)\)"
    r"(?P<attrs>\{[^}\n]*\})?"
)
SCRIPTS = ("assets/gen-nn.js", "assets/widgets.js")
# the scripts of a kind beyond widgets.js, loaded only where one is
KIND_SCRIPTS = {
    "replay": ("assets/widgets-replay.js",),
    "sampler": ("assets/gen-sampling.js", "assets/widgets-sampler.js"),
}
# the interface strings each kind uses (a page carries only those)
COMMON_STRINGS = ("loading", "error")
KIND_STRINGS = {
    "latent": ("classes", "plane", "decoded", "hint_latent"),
    "conditional": (
        "classes",
        "plane",
        "decoded",
        "class",
        "every_class",
        "hint_conditional",
    ),
    "replay": (
        "play",
        "pause",
        "round",
        "timeline",
        "view_probability",
        "view_score",
        "samples",
        "modes",
        "hint_replay",
    ),
    "sampler": (
        "sampler",
        "sampler_ddpm",
        "sampler_ddim",
        "sampler_euler",
        "sampler_heun",
        "data",
        "group_ring",
        "group_grid",
        "steps",
        "play",
        "pause",
        "step",
        "timeline_sampler",
        "computing",
        "evaluations",
        "noise_start",
        "particles",
        "modes",
        "hint_sampler",
    ),
}


class WidgetBuildError(DirectiveError, RuntimeError):
    """A widget's data could not be made: names the widget, page, cause."""


def referenced(markdown: str) -> list[str]:
    return [m["name"] for m in WIDGET_REF.finditer(markdown)]


def publish(files, config, exports: dict, script_only=False) -> None:
    """Add every export's files to the site under widgets/; script_only
    (the copy opened from disk, where widgets.js loads only the script):
    its .js, not the manifest and data fetched over http."""
    for result in exports.values():
        if isinstance(result, Exception):
            continue
        for name, src in result.files().items():
            if script_only and not name.endswith(".js"):
                continue
            uri = f"{export.FOLDER}/{name}"
            if files.get_file_from_path(uri) is None:
                files.append(
                    File.generated(config, uri, abs_src_path=str(src))
                )


def _relative(target: str, page_url: str) -> str:
    """target (a path from the site's root) as seen from the page."""
    folder = (
        page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    )
    return posixpath.relpath(target, folder.strip("/") or ".")


def widget_config(spec: live_figures.Widget, exports: dict, lang: str) -> dict:
    """What widgets.js needs: the groups, their runs' files, the words."""
    table = strings.table(lang)["widgets"]
    keys = (*COMMON_STRINGS, *KIND_STRINGS[spec.kind])
    words = {key: table[key] for key in keys}
    if spec.kind == "replay":  # the methods' labels (else: the name)
        methods = strings.table(lang)["modes_table"]["methods"]
        words |= {f"method_{k}": v for k, v in methods.items()}
    groups = []
    for name, runs in spec.groups:
        groups.append(
            {
                "name": name,
                "label": table.get(f"group_{name}", name),
                "runs": [
                    {
                        "run": run,
                        "stem": exports[run].stem,
                        "bytes": exports[run].transfer_bytes(),
                    }
                    for run in runs
                ],
            }
        )
    return {"kind": spec.kind, "groups": groups, "strings": words}


def expand(markdown: str, page: PageContext) -> str:
    """Replace every widget: reference on the page. page.exports: run ->
    Export or exception; None when the pipeline is off (the still's
    placeholder alone)."""
    seen = []
    exports, page_url = page.exports, page.url

    def one(match: re.Match) -> str:
        name = match["name"]
        spec = live_figures.widget(name, page=page.where)
        still = (
            f"![{match['caption']}](fig:{spec.figure}){match['attrs'] or ''}"
        )
        if exports is None or set(spec.runs) & set(page.waiting):
            return still  # serve: its box says the runs are training
        failed = [
            f"{run}: {type(exports.get(run)).__name__}: {exports.get(run)}"
            for run in spec.runs
            if not isinstance(exports.get(run), export.Export)
        ]
        if failed:
            text = f"widget {name!r} on {page.where} failed: "
            box = page.fail(text + "; ".join(failed), WidgetBuildError, "div")
            return f"{box}\n\n{still}"
        seen.append(name)
        data = json.dumps(
            widget_config(spec, exports, page.lang),
            ensure_ascii=False,
            separators=(",", ":"),
        )
        base = _relative(export.FOLDER, page_url) + "/"
        return (
            f'<div class="gen-widget" data-widget="{name}" '
            f'data-base="{html.escape(base)}" '
            f'data-config="{html.escape(data)}" markdown="block">\n\n'
            f"{still}\n\n</div>"
        )

    out = WIDGET_REF.sub(one, markdown)
    if seen:
        scripts = list(SCRIPTS)
        for name in seen:
            for script in KIND_SCRIPTS.get(
                live_figures.widgets()[name].kind, ()
            ):
                if script not in scripts:
                    scripts.append(script)
        tags = "".join(
            f'<script src="{html.escape(_relative(s, page_url))}" defer>'
            "</script>"
            for s in scripts
        )
        out += f"\n\n{tags}\n"
    return out
