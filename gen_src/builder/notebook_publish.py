"""What readers download: a notebook pinned to the commit the site is
built from, so that its set-up cell installs that very revision of the
package (`pip install git+REPO@REVISION`). The cached notebook keeps a
placeholder; pinning happens here, once per revision, so a new commit
re-executes nothing. Used by the MkDocs hook and the notebook pages.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import notebook_source, strings
from .notebook_source import ROOT


def repository() -> str:
    """extra.repository from mkdocs.yml (the hook reads it from MkDocs)."""
    return strings.repository()


def revision() -> str:
    """The commit the site is built from: GEN_REVISION or GITHUB_SHA (CI),
    else the checkout's HEAD, else "main"."""
    import subprocess

    for variable in ("GEN_REVISION", "GITHUB_SHA"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            ).stdout.strip()
            or "main"
        )
    except (OSError, subprocess.SubprocessError):
        return "main"


def pinned(text: str, revision: str) -> str:
    """A cached notebook's text with its set-up cell pinned to revision."""
    return text.replace(notebook_source.REVISION, revision)


def published(pipe, ipynb: Path, revision: str) -> Path:
    """The .ipynb readers download: the cached one, pinned to revision
    (written once per revision, beside the cache's entries)."""
    target = (
        pipe.cache.root
        / "published"
        / revision
        / ipynb.parent.name
        / ipynb.name
    )
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_text(
            pinned(ipynb.read_text("utf-8"), revision), encoding="utf-8"
        )
        os.replace(tmp, target)
    return target
