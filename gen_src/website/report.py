"""Reporting a failed figure or notebook under `mkdocs serve`, once.

With `strict: true`, MkDocs counts every warning and error logged under
the "mkdocs" logger and aborts the build, and `mkdocs serve` then leaves
every URL hanging until the build succeeds. Under serve, a failed figure
or notebook is shown in an error box on its page instead; the cause is
printed here, on a logger outside "mkdocs", once per build (static-i18n
builds each language in turn: the same cause is not printed twice).
"""

from __future__ import annotations

import logging
import sys

LOGGER = "gen_src.serve"


def logger() -> logging.Logger:
    """The logger outside "mkdocs", with its handler (made on first use)."""
    log = logging.getLogger(LOGGER)
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("ERROR    -  gen_src: %(message)s")
        )
        log.addHandler(handler)
        log.propagate = False
    return log


class Once:
    """Says each message once per build (Once.new_build() between)."""

    def __init__(self):
        self.said: set[str] = set()

    def new_build(self) -> None:
        """A new build of every language begins: causes may be said
        again."""
        self.said.clear()

    def __call__(self, message: str) -> None:
        if message not in self.said:
            self.said.add(message)
            logger().error(message)


def grouped(failures: dict[str, Exception]) -> list[str]:
    """One line per cause: 'figures a, b, c: <cause>' (a missing dataset
    fails many figures with one message)."""
    by_cause: dict[str, list[str]] = {}
    for name, err in failures.items():
        by_cause.setdefault(f"{type(err).__name__}: {err}", []).append(name)
    return [
        f"{'figure' if len(names) == 1 else 'figures'} "
        f"{', '.join(names)}: {cause}"
        for cause, names in by_cause.items()
    ]
