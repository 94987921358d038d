"""The environment of a command a test starts: this shell's, without the
project's settings (GEN_*) or coverage's, so the test sets its own."""

from __future__ import annotations

import os


def clean_environment(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GEN_", "COV_", "COVERAGE"))
    }
    env.update(extra)
    return env
