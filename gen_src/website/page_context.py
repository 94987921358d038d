"""What a page directive knows: the page, its language, and the build.

A directive is a module of this folder with `referenced(markdown)` and
`expand(markdown, page)` (hook.DIRECTIVES lists them, in order); page is
a PageContext. A directive that fails raises a DirectiveError naming the
page; under `mkdocs serve` it shows an error box in place instead
(`PageContext.fail`), so that an author's page still loads.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any


class DirectiveError(Exception):
    """A directive that cannot be expanded; the message names the page."""


@dataclass(frozen=True)
class PageContext:
    src: str  # the page's source under docs/, e.g. "vae.md"
    url: str = ""  # where it is published, e.g. "vae/"
    lang: str = "en"
    serve: bool = False  # `mkdocs serve`: error boxes, not a stop
    pipe: Any = None  # the figure pipeline; None when it is switched off
    results: dict | None = None  # figure -> FigureResult or exception
    exports: dict | None = None  # run -> Export or exception
    # serve: the runs still training in the background (run -> why)
    waiting: dict = field(default_factory=dict)
    offline: bool = False  # the copy opened from disk (website/offline.py)

    @property
    def where(self) -> str:
        return f"docs/{self.src}"

    def fail(self, text: str, error=DirectiveError, tag: str = "span") -> str:
        """An error box in place under serve; else raise error(text)."""
        if self.serve:
            return f'<{tag} class="figure-error">{html.escape(text)}</{tag}>'
        raise error(text)
