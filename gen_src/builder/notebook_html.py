"""A notebook's page body: mkdocs-jupyter's converter, made site-ready.

The converter's HTML is adjusted for this site: its CDN scripts (MathJax 2,
mermaid) go, since the site serves its own MathJax; its 600 kB of CSS goes
to one shared stylesheet; headings get the site's Unicode slugs (the
converter's drop Chinese); output pictures become PNG files beside the
page. Used by gen_src.notebooks.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from . import strings

CSS_NAME = "notebook.css"  # the converter's CSS, the same for every page


def converter_version() -> str:
    from importlib.metadata import version

    return f"mkdocs-jupyter {version('mkdocs-jupyter')}"


HEADING = re.compile(
    r'<h([1-6]) id="[^"]*">(.*?)<a class="anchor-link" href="#[^"]*">'
)
CDN_SCRIPTS = [
    # nbconvert's MathJax 2 loader: the site's own MathJax typesets cells
    re.compile(
        r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration"
        r" -->",
        re.S,
    ),
    # nbconvert's mermaid loader, which would import from a CDN
    re.compile(
        r'<script type="module">(?:(?!</script>).)*?jp-Mermaid'
        r".*?</script>",
        re.S,
    ),
]


STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
IMAGE = re.compile(
    r'<img alt="[^"]*" class="" src="data:image/png;base64,'
    r'([^"]+)"'
)


def own_files(
    body: str, folder: Path, stem: str, lang: str
) -> tuple[str, list[str]]:
    """Output images as PNG files beside the page, not base64 in it: the
    page stays small, and the browser loads the pictures lazily."""
    names: list[str] = []

    def save(match: re.Match) -> str:
        names.append(f"{stem}-{len(names) + 1}.png")
        (folder / names[-1]).write_bytes(base64.b64decode(match.group(1)))
        alt = strings.table(lang)["notebook"]["output_alt"]
        return f'<img alt="{alt}" loading="lazy" src="{names[-1]}"'

    return IMAGE.sub(save, body), names


def render(ipynb: Path) -> tuple[str, str, list[dict], str | None]:
    """(HTML body, CSS, toc tokens, title) by mkdocs-jupyter's converter.

    The converter inlines about 600 kB of JupyterLab CSS in every page;
    it is taken out, to be published once as a stylesheet.
    """
    from mkdocs_jupyter import convert
    from pymdownx.slugs import slugify

    body = convert.nb2html(
        str(ipynb),
        execute=False,
        theme="light",
        allow_errors=False,
        custom_mathjax_url="",
    )
    for pattern in CDN_SCRIPTS:
        body = pattern.sub("", body)
    css = "\n".join(m.group(1).strip() for m in STYLE.finditer(body))
    body = STYLE.sub("", body)
    slug = slugify(case="lower")
    tokens, seen = [], set()

    def reid(match: re.Match) -> str:
        # mkdocs-jupyter's slugs drop non-ASCII: Chinese headings got id=""
        level, inner = int(match.group(1)), match.group(2)
        text = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        base = slug(text, "-") or "section"
        anchor, n = base, 1
        while anchor in seen:
            anchor, n = f"{base}_{n}", n + 1
        seen.add(anchor)
        tokens.append(
            {"level": level, "id": anchor, "name": text, "children": []}
        )
        return (
            f'<h{level} id="{anchor}">{inner}'
            f'<a class="anchor-link" href="#{anchor}">'
        )

    body = HEADING.sub(reid, body)
    title = next((t["name"] for t in tokens if t["level"] == 1), None)
    return body, css, _nest(tokens), title


def _nest(flat: list[dict]) -> list[dict]:
    root: list[dict] = []
    stack: list[dict] = []
    for token in flat:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root
