"""What a page directive knows (gen_src/website/page_context.py): under
serve a failure is a box in place, in a build an error naming the page."""

from __future__ import annotations

import pytest

from gen_src.website.page_context import DirectiveError, PageContext


class OwnError(DirectiveError):
    pass


def test_fail_is_a_box_under_serve_and_an_error_in_a_build():
    serve = PageContext("vae.md", serve=True)
    assert serve.where == "docs/vae.md"
    box = serve.fail("docs/vae.md: <bad>", OwnError, "div")
    assert box == '<div class="figure-error">docs/vae.md: &lt;bad&gt;</div>'
    with pytest.raises(OwnError, match="docs/vae.md: <bad>"):
        PageContext("vae.md").fail("docs/vae.md: <bad>", OwnError)
