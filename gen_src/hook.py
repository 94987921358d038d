"""The MkDocs hook: a thin adapter from MkDocs events to gen_src.

Registered in mkdocs.yml under `hooks:`. Every event runs once per
language (static-i18n builds English, then Chinese), and this module is
loaded once per process, so its state survives `mkdocs serve` rebuilds.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError

from gen_src.site import assets, i18n

log = logging.getLogger("mkdocs.hooks.gen_src")
ROOT = Path(__file__).resolve().parent.parent


def on_config(config):
    default, langs = i18n.i18n_plugin_config(config)
    problems = i18n.check_twins(Path(config.docs_dir), default, langs)
    for problem in problems:
        # A warning fails the strict build and names the file to fix.
        log.warning(problem)
    return config


def on_files(files, config):
    try:
        assets.add_vendor_files(files, config, ROOT)
    except assets.MissingAssetError as err:
        raise PluginError(str(err)) from err
    return files


def on_page_context(context, page, config, nav):
    # static-i18n sets `extra.alternate` as an attribute, which is what
    # Material's template reads; the dict key may hold an older copy.
    alternates = getattr(config.extra, "alternate", None)
    if alternates:
        i18n.relative_alternates(alternates)
    return context


def on_post_page(output, page, config):
    return i18n.strip_head_alternates(output)


def on_serve(server, config, builder):
    for folder in ("gen_src", "snippets", "pics"):
        if (ROOT / folder).is_dir():
            server.watch(str(ROOT / folder))
    return server
