"""Fixes and checks around mkdocs-static-i18n (English at /, Chinese at /zh/).

- Every page `name.md` needs its twin `name.zh.md` (and the reverse): a
  missing twin is reported with the file to create.
- A page suffix that is not a configured language (`name.fr.md`) is an
  error, not a silent extra page.
- The language switcher's links are made relative to the page, so it works
  wherever the site is mounted (static-i18n makes the home page's links
  absolute from site_url).
"""

from __future__ import annotations

import re
from pathlib import Path

LANG_SUFFIX = re.compile(
    r"^(?P<stem>.+)\.(?P<lang>[a-z]{2}(?:[_-][A-Za-z]{2})?)$"
)


def i18n_plugin_config(config) -> tuple[str, list[str]]:
    """(default locale, all locales) from the i18n plugin in mkdocs.yml."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        raise ValueError("mkdocs.yml: the i18n plugin is not configured")
    langs = [lang.locale for lang in plugin.config.languages]
    default = next(
        lang.locale for lang in plugin.config.languages if lang.default
    )
    return default, langs


def check_twins(docs_dir: Path, default: str, langs: list[str]) -> list[str]:
    """Problems with page pairs, one message per problem (empty: fine).

    Pages are docs/**/*.md; notebook pages are docs/notebooks/*.py.
    """
    problems = []
    others = [lang for lang in langs if lang != default]
    stems: dict[tuple[str, str], set[str]] = {}
    sources = [*docs_dir.rglob("*.md"), *docs_dir.glob("notebooks/*.py")]
    for path in sorted(sources):
        ext = path.suffix
        rel = path.relative_to(docs_dir).with_suffix("").as_posix()
        match = LANG_SUFFIX.match(rel)
        if match and match["lang"] not in langs:
            problems.append(
                f"docs/{rel}{ext}: unknown language key {match['lang']!r}; "
                f"mkdocs.yml's i18n plugin knows {', '.join(langs)}. Rename "
                "the file or add the language to mkdocs.yml."
            )
            continue
        stem, lang = (
            (match["stem"], match["lang"]) if match else (rel, default)
        )
        stems.setdefault((stem, ext), set()).add(lang)
    for (stem, ext), have in sorted(stems.items()):
        for lang in [default, *others]:
            if lang not in have:
                name = (
                    f"{stem}{ext}"
                    if lang == default
                    else f"{stem}.{lang}{ext}"
                )
                source = sorted(have)[0]
                problems.append(
                    f"docs/{name} is missing: docs/"
                    f"{stem if source == default else stem + '.' + source}"
                    f"{ext} has no {lang!r} twin. Create docs/{name} with "
                    "the same headings, code and figures."
                )
    return problems


def relative_alternates(alternates: list[dict]) -> None:
    """Make the switcher's absolute links site-root-relative.

    static-i18n gives the home pages links like "/zh/" (or "/sub/zh/" when
    site_url has a path), which break wherever else the site is mounted.
    Links without a leading slash are relativised to the page by MkDocs'
    `url` filter in Material's template, so they work at any mount point.
    """
    absolute = [a for a in alternates if a.get("link", "").startswith("/")]
    if not absolute:
        return
    base = min((a["link"] for a in absolute), key=len)
    for alt in absolute:
        alt["link"] = alt["link"][len(base) :] or "."


HEAD_ALTERNATE = re.compile(
    r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">'
)


def strip_head_alternates(html: str) -> str:
    """Drop the per-page <link rel=alternate hreflang> tags from <head>.

    Material's JavaScript takes them for language roots: it fetches
    `<link>/sitemap.xml` for each (a 404 for every page but the home page)
    and rewrites clicks on the switcher by guesswork, which sends readers
    to the wrong page. The switcher's own links are already right.
    """
    head, sep, body = html.partition("</head>")
    return HEAD_ALTERNATE.sub("", head) + sep + body


SEARCH_SCRIPT = "assets/search-language.js"


def search_language_script(
    html: str, page_url: str, langs: list[str], after_shim: bool = False
) -> str:
    """Load docs/assets/search-language.js first thing in <head>.

    It must run before Material's bundle creates the search worker, whose
    results it ranks by the page's language; langs lists the default
    language first. after_shim (the offline build): right after the
    worker shim's script instead, so that it wraps the shim's worker.
    """
    from mkdocs.utils import get_relative_url

    from gen_src.website import offline

    src = get_relative_url(SEARCH_SCRIPT, page_url or ".")
    tag = f'<script src="{src}" data-languages="{" ".join(langs)}"></script>'
    if after_shim:
        placed = offline.after_shim(html, tag)
        if placed is not None:
            return placed
    head, sep, rest = html.partition("<head>")
    if not sep:
        return html
    return head + sep + "\n    " + tag + rest


CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
ENDS_CJK = re.compile(f"[{CJK}]$")
STARTS_CJK = re.compile(f"^[ \\t]*[{CJK}]")
FENCE = re.compile(r"^[ \t]*(```|~~~)")


def join_cjk_lines(markdown: str) -> str:
    """Join soft line breaks between two Chinese characters.

    Browsers render a newline inside a paragraph as a space, which is
    right in English and wrong between Chinese characters. Code fences,
    display math and headings are left alone.
    """
    lines = markdown.split("\n")
    out: list[str] = []
    in_code = in_math = False
    for line in lines:
        joinable = (
            out
            and not in_code
            and not in_math
            and ENDS_CJK.search(out[-1])
            and not out[-1].lstrip().startswith(("#", "|", "<"))
            and STARTS_CJK.match(line)
        )
        if joinable:
            out[-1] += line.lstrip()
        else:
            out.append(line)
        if FENCE.match(line):
            in_code = not in_code
        elif line.strip() == "$$" and not in_code:
            in_math = not in_math
    return "\n".join(out)


class _InstantNavigationHandled:
    """Drops static-i18n's warning that Material's language switcher keeps
    no page under navigation.instant: docs/assets/language-links.js sets
    the switcher from each page's address and loads the other language in
    full. (Under `strict: true` the warning would fail every build.)"""

    MESSAGE = "language switcher contextual link is not compatible"

    def filter(self, record) -> bool:
        return self.MESSAGE not in record.getMessage()


def allow_instant_navigation() -> None:
    import logging

    logger = logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure")
    if not any(
        isinstance(f, _InstantNavigationHandled) for f in logger.filters
    ):
        logger.addFilter(_InstantNavigationHandled())
