"""The notebook pages' stylesheet, cut to what they use (css_prune.py)."""

from __future__ import annotations

from gen_src.website import css_prune

CSS = """
/* JupyterLab */
@charset "utf-8";
:root { --jp-used: 1px; --jp-icon: url("data:image/svg+xml;a=b;c"); }
:root { --jp-chain: var(--jp-used); --jp-unused: 2px; }
.jp-Cell { margin: var(--jp-chain); }
.jp-Dialog, .jp-Cell .x:not(.jp-Gone) { color: red; }
.jp-Dialog .jp-Cell { color: blue; }
pre { content: "{ not a block }"; }
@media (max-width: 10px) { .jp-Dialog { a: b } .jp-Cell { c: d } }
@keyframes spin { from { e: f } }
"""


def test_rules_for_classes_on_no_page_go():
    out = css_prune.prune(CSS, {"jp-Cell", "x"})
    assert ".jp-Dialog" not in out
    assert ".jp-Cell .x:not(.jp-Gone){color: red}" in out
    assert 'pre{content: "{ not a block }"}' in out
    assert "@media (max-width: 10px){.jp-Cell{c: d}\n}" in out
    assert "@keyframes spin" in out and '@charset "utf-8";' in out


def test_custom_properties_only_where_used():
    out = css_prune.prune(CSS, {"jp-Cell"})
    assert "--jp-chain" in out and "--jp-used" in out  # through the chain
    assert "--jp-unused" not in out and "--jp-icon" not in out
    kept = css_prune.prune(CSS, {"jp-Cell"}, 'style="x: var(--jp-icon)"')
    assert '--jp-icon: url("data:image/svg+xml;a=b;c")' in kept


def test_classes_in_pages():
    html = "<div class=\"a b\"><p class='c'>x</p></div>"
    assert css_prune.classes_in(html) == {"a", "b", "c"}
