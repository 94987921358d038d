"""The typeset math's cache (gen_src/website/math_cache.py): one
checksummed JSON record a line, appended whole, damaged lines skipped,
other stamps' files removed, and compacted to what the pages use."""

from __future__ import annotations

import json
from pathlib import Path

from gen_src.website import math_cache
from gen_src.website.math_node import sha
from gen_src.website.math_scan import Formula


class Cache(math_cache.Results):
    """The cache as the Typesetter keeps it, with a fixed stamp (no
    MathJax needed)."""

    def __init__(self, cache_dir: Path, stamp: str = "aaaa"):
        self.cache_dir = cache_dir
        self._stamp = stamp
        self._loaded = False
        self.formulas = {}
        self.glyphs = {}
        self.css = None
        self.used = set()
        self._records = 0

    def stamp(self) -> str:
        return self._stamp


X, Y = Formula("x", False), Formula("y", True)


def formula(f: Formula, svg: str) -> dict:
    return Cache._record("formula", svg, tex=f.tex, display=f.display)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_a_record_carries_the_checksum_of_its_value():
    """kind first, then what names it, the value and its sha."""
    record = Cache._record("glyph", "M0 0Z", id="MJX-1")
    assert record == {
        "kind": "glyph",
        "id": "MJX-1",
        "value": "M0 0Z",
        "sha": sha("M0 0Z"),
    }
    assert list(record) == ["kind", "id", "value", "sha"]


def test_what_is_appended_is_loaded_by_the_next_build(tmp_path):
    """Formulas (display and inline apart), glyphs and the CSS come back
    from STAMP.jsonl, written in UTF-8."""
    cache = Cache(tmp_path / "math")
    cache._append(
        [
            Cache._record("css", "mjx-container {}"),
            Cache._record("glyph", "M1 1Z", id="MJX-X"),
            formula(X, "<svg>x</svg>"),
            formula(Y, "<svg>对</svg>"),
            formula(Formula("y", False), "<svg>y</svg>"),
        ]
    )
    assert cache.cache_file == tmp_path / "math" / "aaaa.jsonl"
    assert "对" in cache.cache_file.read_text("utf-8")  # not \\u escaped
    warm = Cache(tmp_path / "math")
    warm._load()
    assert warm.css == "mjx-container {}"
    assert warm.glyphs == {"MJX-X": "M1 1Z"}
    assert warm.formulas == {
        X: "<svg>x</svg>",
        Y: "<svg>对</svg>",
        Formula("y", False): "<svg>y</svg>",
    }
    assert warm._records == 5


def test_damaged_lines_are_skipped_and_the_rest_kept(tmp_path):
    """A wrong checksum, an unknown kind, a missing field, a line that is
    no record and a line cut short are each left out (typeset again)."""
    good = formula(X, "<svg>x</svg>")
    wrong_sum = {**formula(Y, "<svg>y</svg>"), "sha": sha("other")}
    unknown = Cache._record("font", "?")
    no_tex = {k: v for k, v in formula(Y, "<svg>y</svg>").items()}
    del no_tex["tex"]
    text = "".join(
        json.dumps(r) + "\n" for r in (wrong_sum, unknown, no_tex, good)
    )
    path = tmp_path / "aaaa.jsonl"
    path.write_text(text + "5\n\n" + json.dumps(good)[:20], "utf-8")
    cache = Cache(tmp_path)
    cache._load()
    assert cache.formulas == {X: "<svg>x</svg>"}
    assert cache.glyphs == {} and cache.css is None
    assert cache._records == 1


def test_the_file_is_read_once_and_a_missing_one_is_empty(tmp_path):
    """No cache yet: nothing loaded, nothing made. Once loaded, the file
    is not read again (the other build's appends wait for the next
    process)."""
    cache = Cache(tmp_path / "math")
    cache._load()
    assert cache.formulas == {} and not (tmp_path / "math").exists()
    other = Cache(tmp_path / "math")
    other._append([formula(X, "<svg>x</svg>")])
    cache._load()
    assert cache.formulas == {}


def test_nothing_to_append_writes_nothing(tmp_path):
    """An empty append makes no folder and no file."""
    Cache(tmp_path / "math")._append([])
    assert not (tmp_path / "math").exists()


def test_appends_add_lines_and_other_stamps_files_go(tmp_path):
    """Each append adds whole lines to this stamp's file; files of another
    MathJax (another stamp) are removed, other files are not."""
    folder = tmp_path / "math"
    folder.mkdir()
    (folder / "old.jsonl").write_text("{}\n", "utf-8")
    (folder / "aaaa.css").write_text("kept", "utf-8")
    cache = Cache(folder)
    cache._append([formula(X, "<svg>x</svg>")])
    cache._append([formula(Y, "<svg>y</svg>")])
    assert sorted(p.name for p in folder.iterdir()) == [
        "aaaa.css",
        "aaaa.jsonl",
    ]
    assert [r["tex"] for r in lines(cache.cache_file)] == ["x", "y"]
    assert cache._records == 2


def full_cache(folder: Path, n: int) -> Cache:
    """A cache file with the CSS, two glyphs and n formulas t0..t(n-1)."""
    Cache(folder)._append(
        [
            Cache._record("css", "c"),
            Cache._record("glyph", "M2Z", id="MJX-B"),
            Cache._record("glyph", "M1Z", id="MJX-A"),
            *(formula(Formula(f"t{i}", False), f"<s{i}>") for i in range(n)),
        ]
    )
    return Cache(folder)


def test_compact_keeps_only_the_formulas_used(tmp_path):
    """Many formulas edited away: the file is rewritten with the CSS, the
    glyphs (sorted) and the used formulas (sorted), and nothing else is
    left in the folder."""
    cache = full_cache(tmp_path, 10)
    cache.begin_cycle()
    cache.used = {Formula("t7", False), Formula("t2", False), Y}  # Y: new
    cache.compact()
    records = lines(cache.cache_file)
    assert [r["kind"] for r in records] == [
        "css",
        "glyph",
        "glyph",
        "formula",
        "formula",
    ]
    assert [r.get("id") for r in records[1:3]] == ["MJX-A", "MJX-B"]
    assert [r["tex"] for r in records[3:]] == ["t2", "t7"]
    assert cache._records == 5
    assert [p.name for p in tmp_path.iterdir()] == ["aaaa.jsonl"]
    warm = Cache(tmp_path)
    warm._load()
    assert set(warm.formulas) == {Formula("t2", False), Formula("t7", False)}


def test_compact_leaves_a_file_of_mostly_used_formulas(tmp_path):
    """A few stale records are not worth a rewrite; nor is a build that
    used no formula (it knows nothing of what the pages need)."""
    cache = full_cache(tmp_path, 10)
    before = cache.cache_file.read_bytes()
    cache.used = {Formula(f"t{i}", False) for i in range(8)}
    cache.compact()  # 13 records for 8 + 2 + 1 used: kept
    assert cache.cache_file.read_bytes() == before
    cache.begin_cycle()
    assert cache.used == set()
    cache.compact()
    assert cache.cache_file.read_bytes() == before
