"""The offline build: the same pages, to be opened from disk (file://).

`make offline` builds the site a second time with Material's offline
plugin on (GEN_OFFLINE=true, mkdocs.yml) and zips it
(gen_src/builder/offline_zip.py). The plugin turns directory URLs off
(gan.html, not gan/), so links work without a server. What it gets wrong
here is fixed here:
- it loads the iframe-worker shim (search's worker, from file://) from
  unpkg: the shim comes from npm instead (node_modules, `make setup`);
- it inlines the search index (search/search_index.js) before static-i18n
  has merged the languages and before search_index.compact rewrote it:
  the script is written again from the final index;
- the script that ranks search results by the page's language must wrap
  the shim's worker, not the browser's: it goes after the shim.

The online build links to the archive (`{{ offline_download }}`, home and
About pages) with its size, and copies it into the site when it exists.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from gen_src import runtime
from gen_src.builder import strings

SHIM = Path("node_modules") / "iframe-worker" / "shim" / "index.js"
SHIM_URI = "assets/iframe-worker.js"
ARCHIVE = "site-offline.zip"  # beside mkdocs.yml, and at the site's root
SEARCH_SCRIPT = Path("search") / "search_index.js"
DIRECTIVE = re.compile(r"\{\{\s*offline_download\s*\}\}")


class MissingShimError(RuntimeError):
    """node_modules lacks the shim: the message says how to install it."""


def enabled(config) -> bool:
    """Whether this build is the offline one (the offline plugin on)."""
    for name in ("material/offline", "offline"):
        plugin = config.plugins.get(name)
        if plugin is not None:
            return bool(plugin.config.enabled)
    return False


def local_shim(config) -> None:
    """The shim from the site itself, not from unpkg."""
    polyfills = [
        p
        for p in config.extra.get("polyfills", [])
        if "iframe-worker" not in p
    ]
    config.extra["polyfills"] = [*polyfills, SHIM_URI]


def add_shim(files: Files, config) -> None:
    shim = runtime.REPOSITORY / SHIM
    if not shim.is_file():
        raise MissingShimError(
            f"{SHIM} is missing: the offline site's search needs it; run "
            "`make setup` (npm ci installs it from package-lock.json)"
        )
    if files.get_file_from_path(SHIM_URI) is None:
        files.append(File.generated(config, SHIM_URI, abs_src_path=str(shim)))


def write_search_script(site_dir: Path) -> None:
    """search_index.js from the final search_index.json, as the plugin
    writes it (`var __index = ...`), atomically."""
    index = Path(site_dir) / "search" / "search_index.json"
    if not index.is_file():
        return
    text = "var __index = " + index.read_text("utf-8")
    _write(Path(site_dir) / SEARCH_SCRIPT, text)


def after_shim(html: str, tag: str) -> str | None:
    """html with tag right after the shim's <script>; None without one."""
    match = re.search(
        r'<script src="[^"]*' + re.escape(SHIM_URI) + r'"></script>', html
    )
    if match is None:
        return None
    return html[: match.end()] + "\n    " + tag + html[match.end() :]


# -- the link to the archive, on the online site ------------------------


def archive_path() -> Path:
    return runtime.REPOSITORY / ARCHIVE


def referenced(markdown: str) -> bool:
    return bool(DIRECTIVE.search(markdown))


def expand(markdown: str, page) -> str:
    """{{ offline_download }} -> a sentence: the link with the archive's
    size (an HTML link: MkDocs would look for the archive among the
    pages' files); in the offline copy itself, that this is it; when the
    archive was not built, how to build it. page: a PageContext."""
    text = strings.table(page.lang)["offline"]
    archive = archive_path()
    if page.offline:
        sentence = text["this_copy"]
    elif archive.is_file():
        href = get_relative_url(ARCHIVE, page.url or ".")
        size = f"{archive.stat().st_size / 1e6:.1f}"
        sentence = text["download"].format(href=href, size=size)
    else:
        sentence = text["not_built"]
    return DIRECTIVE.sub(lambda _: sentence, markdown)


def copy_archive(site_dir: Path) -> None:
    """The archive into the online site, beside index.html, if built."""
    archive = archive_path()
    if archive.is_file():
        target = Path(site_dir) / ARCHIVE
        fd, tmp = tempfile.mkstemp(dir=site_dir, suffix=".tmp")
        os.close(fd)
        shutil.copyfile(archive, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
