"""The search index, written smaller (gen_src/website/search_index.py).
tests/website/test_math_text.py checks a formula's text in the index and
Material's parser, and the code blocks of translations;
tests/builder/test_page_weight.py the notebook repeats. Here: the
file as it is rewritten, and the edges of each rewrite."""

from __future__ import annotations

import json
import stat

from gen_src.website import search_index

MML = (
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>a</mi><mo>&lt;'
    "</mo><mi>b</mi></math>"
)
INLINE = (
    '<mjx-container data-search-exclude class="MathJax" jax="SVG"><svg>'
    f"</svg><mjx-assistive-mml>{MML}</mjx-assistive-mml></mjx-container>"
)
DISPLAY = INLINE.replace('jax="SVG"', 'jax="SVG" display="true"')


def write_index(site, data) -> None:
    path = site / search_index.INDEX
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data), "utf-8")  # ASCII, as Material writes


def test_the_index_is_rewritten_in_utf8_without_spaces(tmp_path):
    """Chinese and U+200B are written as themselves, not \\u escapes;
    no space after separators; the config and other fields kept; the file
    readable by all, and no temporary file left."""
    data = {
        "config": {"lang": ["en", "zh"], "separator": "[\\s\\-]+"},
        "docs": [{"location": "zh/", "title": "生成\u200b模型", "text": "好"}],
    }
    write_index(tmp_path, data)
    search_index.compact(tmp_path)
    path = tmp_path / search_index.INDEX
    raw = path.read_text("utf-8")
    assert json.loads(raw) == data
    assert "生成\u200b模型" in raw and "\\u" not in raw
    assert ", " not in raw and ": " not in raw
    assert len(raw.encode("utf-8")) < len(json.dumps(data))
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_no_index_is_no_error_and_makes_nothing(tmp_path):
    """A build without the search plugin: nothing to rewrite."""
    search_index.compact(tmp_path, ("zh",))
    assert list(tmp_path.iterdir()) == []


def test_only_a_translations_own_folder_loses_its_code(tmp_path):
    """The translation is the first segment of the location: zh/ and its
    home page lose their code blocks, a page named zhx/ or a page about
    zh under the default language do not."""
    code = "a <pre><code>x = 1</code></pre> b"
    locations = ["zh/vae/", "zh/", "zhx/", "notes/zh/"]
    write_index(
        tmp_path,
        {"docs": [{"location": loc, "text": code} for loc in locations]},
    )
    search_index.compact(tmp_path, ("zh",))
    docs = json.loads((tmp_path / search_index.INDEX).read_text("utf-8"))
    texts = [doc["text"] for doc in docs["docs"]]
    assert texts == ["a b", "a b", code, code]


def test_spaces_collapse_between_code_blocks_not_inside(tmp_path):
    """Runs of spaces become one outside every <pre>, and stay inside each
    of several; tabs and newlines are left as they are."""
    text = "a  b<pre>x   y</pre>c    d<pre>  z</pre>e\t\tf\n\ng   "
    write_index(tmp_path, {"docs": [{"location": "", "text": text}]})
    search_index.compact(tmp_path)
    (doc,) = json.loads((tmp_path / search_index.INDEX).read_text("utf-8"))[
        "docs"
    ]
    assert doc["text"] == "a b<pre>x   y</pre>c d<pre>  z</pre>e\t\tf\n\ng "


def test_a_doc_without_text_or_location_gets_an_empty_text(tmp_path):
    """Section entries without text are kept (with an empty text), not a
    crash."""
    write_index(tmp_path, {"docs": [{"title": "t"}]})
    search_index.compact(tmp_path, ("zh",))
    data = json.loads((tmp_path / search_index.INDEX).read_text("utf-8"))
    assert data == {"docs": [{"title": "t", "text": ""}]}


def test_the_anchor_link_and_only_the_listed_divs_are_excluded():
    """nbconvert's heading permalink is excluded; a div whose class only
    starts like a listed one, or another cell div, is not."""
    html = (
        '<h2>T<a class="anchor-link" href="#t">¶</a></h2>'
        '<a class="other" href="#t">x</a>'
        '<div class="jp-InputPrompt">In</div>'
        '<div class="clipboard-copy-txt-extra">x</div>'
        '<div class="jp-Cell jp-CodeCell">y</div>'
    )
    out = search_index.exclude_repeats(html)
    assert out == html.replace(
        '<a class="anchor-link"', '<a data-search-exclude class="anchor-link"'
    )


def test_math_text_is_escaped_and_only_for_inline_formulas():
    """The formula's text is HTML-escaped in its <template> (a < in TeX
    must not open a tag); display formulas and formulas without MathML
    get none, or an empty one that still goes away."""
    out = search_index.with_math_text(f"<p>{INLINE} and {DISPLAY}</p>")
    template = '<template class="search-math">a &lt; b</template>'
    assert out == f"<p>{INLINE}{template} and {DISPLAY}</p>"
    bare = '<mjx-container class="MathJax"><svg></svg></mjx-container>'
    empty = search_index.with_math_text(bare)
    assert empty == bare + '<template class="search-math"></template>'
    assert search_index.without_math_text(empty) == bare


def test_without_math_text_leaves_other_templates():
    """Only the index's own templates are taken out of the page."""
    html = (
        '<template class="search-math">x</template>'
        '<template class="other">y</template><template>z</template>'
    )
    assert search_index.without_math_text(html) == (
        '<template class="other">y</template><template>z</template>'
    )
