"""One fixture for every snippet's tests: `program`, the snippet that the
test file is named after (tests/snippets/test_NAME.py -> snippets/NAME.py),
imported as a module; importing it runs nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gen_src import snippet


@pytest.fixture
def program(request):
    name = Path(request.module.__file__).stem.removeprefix("test_")
    return snippet.load(name)
