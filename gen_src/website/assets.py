"""Front-end assets the build makes from node_modules (npm), not the repo.

Readers may have no internet (or no access to the usual CDNs), and the
math on the pages is typeset at build time (gen_src/website/math_svg.py),
so pages load no math script at all. What remains to publish is MathJax's
stylesheet for its SVG output, made by the same MathJax (`npm ci`, run by
`make setup`) and cached; mkdocs.yml lists it under extra_css. Nothing
from node_modules is committed.
"""

from __future__ import annotations

from mkdocs.structure.files import File, Files

from gen_src.website import math_svg

CSS_URI = math_svg.CSS_URI


class MissingAssetError(RuntimeError):
    """An npm asset or Node is missing: the message says how to install."""


def add_vendor_files(files: Files, config, typesetter) -> None:
    """Add MathJax's stylesheet to the build at CSS_URI."""
    try:
        css = typesetter.stylesheet_file()
    except (math_svg.MissingToolError, math_svg.MathError) as err:
        raise MissingAssetError(str(err)) from err
    if files.get_file_from_path(CSS_URI) is None:
        files.append(File.generated(config, CSS_URI, abs_src_path=str(css)))
