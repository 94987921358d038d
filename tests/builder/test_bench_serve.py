"""`bench serve`'s clock: it waits for what it names, and says which
wait ran out."""

from __future__ import annotations

import time

import pytest

from gen_src.builder import bench_serve


def test_a_wait_gives_the_seconds_until_its_check_holds():
    started = time.perf_counter()
    ready = started + 0.6
    seconds = bench_serve._wait(
        lambda: time.perf_counter() >= ready, started, 10, "thing"
    )
    assert 0.6 <= seconds < 3


def test_a_wait_that_runs_out_names_what_it_waited_for():
    started = time.perf_counter() - 5  # already past its limit
    with pytest.raises(TimeoutError, match="no first page after 1 s"):
        bench_serve._wait(lambda: False, started, 1, "first page")


def test_a_page_that_does_not_answer_reads_as_none():
    port = bench_serve._port()  # bound, then let go: nothing listens
    assert bench_serve._get(f"http://127.0.0.1:{port}/") is None


def test_every_page_it_checks_is_a_page_of_the_site():
    from gen_src import runtime
    from gen_src.builder import strings

    other = strings.languages()[1]
    for page in bench_serve.PAGES:
        lang = other if page.startswith(f"{other}/") else None
        name = page.removeprefix(f"{other}/").strip("/") or "index"
        source = f"{name}.{lang}.md" if lang else f"{name}.md"
        assert (runtime.REPOSITORY / "docs" / source).is_file(), page
