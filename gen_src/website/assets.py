"""Front-end assets the site serves itself, from node_modules (npm).

Readers may have no internet (or no access to the usual CDNs), so math is
typeset by MathJax 3 from the site's own host. `make setup` runs
`npm ci`; this module adds the needed files to the build as generated
files. Nothing from node_modules is committed.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File, Files

MATHJAX_DIR = Path("node_modules/mathjax/es5")
VENDOR_URI = "assets/vendor/mathjax"
# tex-svg.js bundles the TeX input, the SVG output (no web fonts) and the
# menu; TeX extensions are fetched on demand from input/tex/extensions.
MATHJAX_FILES = ("tex-svg.js",)
MATHJAX_TREES = ("input/tex/extensions",)


class MissingAssetError(RuntimeError):
    """An npm asset is missing: the message says how to install it."""


def mathjax_sources(root: Path) -> list[Path]:
    base = root / MATHJAX_DIR
    if not (base / MATHJAX_FILES[0]).is_file():
        raise MissingAssetError(
            f"{base / MATHJAX_FILES[0]} is missing, so math cannot be "
            "typeset offline. Run `make setup` (it runs `npm ci`), or "
            "`npm ci` in the repository root."
        )
    found = [base / name for name in MATHJAX_FILES]
    for tree in MATHJAX_TREES:
        found += sorted(p for p in (base / tree).rglob("*.js"))
    return found


def add_vendor_files(files: Files, config, root: Path) -> None:
    """Add MathJax's files to the build under assets/vendor/mathjax/."""
    base = root / MATHJAX_DIR
    for src in mathjax_sources(root):
        uri = f"{VENDOR_URI}/{src.relative_to(base).as_posix()}"
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(src)))
