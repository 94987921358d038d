"""Every page of the built site transfers at most LIMIT bytes.

Counted by gen_src/builder/page_weight.py: the page and everything it
loads (stylesheets, scripts, pictures, the search index, Material's worker
and sitemap), each once, text gzipped as a static host sends it.
tests/browser checks that a browser loads nothing more.
"""

from __future__ import annotations

from gen_src.builder import page_weight

LIMIT = 800_000  # bytes: 0.8 MB


def test_every_page_is_light_enough(built_site, capsys):
    weights = page_weight.measure(built_site)
    heaviest = weights[0]
    with capsys.disabled():
        print("\n" + page_weight.table(weights[:8]))
        print(
            f"heaviest page: {heaviest.page}, "
            f"{heaviest.total / 1e6:.2f} MB (limit {LIMIT / 1e6:.1f} MB)"
        )
    too_heavy = [w for w in weights if w.total > LIMIT]
    assert not too_heavy, page_weight.table(too_heavy)
    for w in weights:
        assert not w.missing, f"{w.page} loads missing files: {w.missing}"
        assert not w.remote, f"{w.page} loads from other hosts: {w.remote}"


def test_no_page_loads_a_math_script(built_site):
    for w in page_weight.measure(built_site):
        scripts = [f for f in w.files if f.endswith(".js")]
        assert not [s for s in scripts if "mathjax" in s.lower()], w.page


def test_counting(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<link rel="stylesheet" href="../s.css"><img src="../p.png">'
        '<img src="../p.png"><script src="https://x.org/a.js"></script>'
        '<a href="../big.bin" download>not a load</a>'
    )
    (tmp_path / "s.css").write_text("body{background:url(p.png)}" * 50)
    (tmp_path / "p.png").write_bytes(b"\x89PNG" + bytes(996))
    (tmp_path / "big.bin").write_bytes(bytes(10**6))
    w = page_weight.Site(tmp_path).weight("a/index.html")
    assert set(w.files) == {"a/index.html", "s.css", "p.png"}
    assert w.files["p.png"] == 1000  # pictures as they are, once
    assert w.files["s.css"] < 1400  # text gzipped
    assert w.remote == ["https://x.org/a.js"]


def test_notebook_repeats_are_kept_out_of_the_search_index():
    from gen_src.website import search_index

    html = (
        '<div class="jp-InputPrompt jp-InputArea-prompt">In [1]:</div>'
        '<div class="zeroclipboard-container"><span>Copied!</span></div>'
        '<pre>x = 1</pre><div class="clipboard-copy-txt" id="c1">x = 1</div>'
        '<div class="jp-OutputPrompt jp-OutputArea-prompt">Out[1]:</div>'
    )
    out = search_index.exclude_repeats(html)
    assert out.count("<div data-search-exclude class=") == 4
    assert "<pre>x = 1</pre>" in out
    assert search_index.exclude_repeats(out) == out  # marked once


def test_no_page_has_head_alternates(built_site):
    """Material's JavaScript fetches <alternate>/sitemap.xml for each
    <link rel=alternate> in a page's head (one 404 each): none is left,
    404.html included (a theme template, not a page)."""
    pages = sorted(built_site.rglob("*.html"))
    assert any(p.name == "404.html" for p in pages)
    for path in pages:
        head = path.read_text("utf-8").partition("</head>")[0]
        assert 'rel="alternate"' not in head, path.relative_to(built_site)
