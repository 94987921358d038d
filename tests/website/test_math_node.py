"""The Node process that runs MathJax (gen_src/website/math_node.py):
started on the first request, one per build, restarted when it died; a
missing Node or mathjax package says how to install it."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from gen_src.website import math_node
from gen_src.website.math_node import MathError, MathJax, MissingToolError

ROOT = Path(__file__).resolve().parents[2]


def fake_mathjax(root: Path, version: str = "3.2.2") -> Path:
    """A node_modules/mathjax that passes stamp()'s checks (and is no
    MathJax at all)."""
    folder = root / math_node.MATHJAX_DIR
    (folder / "es5").mkdir(parents=True)
    (folder / "package.json").write_text(
        json.dumps({"name": "mathjax", "version": version}), "utf-8"
    )
    return folder


@pytest.fixture
def mathjax():
    node = MathJax(ROOT)
    yield node
    node.close()


def test_sha_is_the_first_16_hex_digits_of_sha256():
    """Cache keys and checksums: short, stable, over UTF-8."""
    assert math_node.sha("") == hashlib.sha256(b"").hexdigest()[:16]
    text = "对数似然 \\log p(x)"
    assert (
        math_node.sha(text)
        == (hashlib.sha256(text.encode("utf-8")).hexdigest()[:16])
    )
    assert math_node.sha("a") != math_node.sha("b")


def test_the_stamp_follows_mathjax_version(tmp_path):
    """Another MathJax version gives another stamp (so another cache
    file); the same one gives the same."""
    fake_mathjax(tmp_path / "a", "3.2.2")
    fake_mathjax(tmp_path / "b", "3.2.2")
    fake_mathjax(tmp_path / "c", "4.0.0")
    a, b, c = (MathJax(tmp_path / x).stamp() for x in "abc")
    assert a == b != c
    assert len(a) == 16 and int(a, 16) >= 0


@pytest.mark.parametrize("missing", ["package.json", "es5"])
def test_a_missing_mathjax_package_says_npm_ci(tmp_path, missing):
    """Without package.json or the es5 folder, the stamp is a
    MissingToolError naming the folder and `npm ci`."""
    folder = fake_mathjax(tmp_path)
    path = folder / missing
    path.rmdir() if path.is_dir() else path.unlink()
    with pytest.raises(MissingToolError, match="npm ci") as caught:
        MathJax(tmp_path).stamp()
    assert str(folder) in str(caught.value)


def test_no_node_on_the_path_says_how_to_install_it(tmp_path, monkeypatch):
    """Asking without Node installed is a MissingToolError, and no process
    is left behind."""
    monkeypatch.setenv("PATH", str(tmp_path))
    node = MathJax(ROOT)
    with pytest.raises(MissingToolError, match="Node.js 18 or newer"):
        node.ask({"stylesheet": True})
    assert node.proc is None


def test_a_mathjax_that_does_not_start_is_a_math_error(tmp_path):
    """Node that exits before it is ready: the error quotes its stderr,
    and no dead process is kept."""
    fake_mathjax(tmp_path)  # no index.js: require() fails in Node
    node = MathJax(tmp_path)
    with pytest.raises(MathError, match="(?s)stopped: .*Cannot find module"):
        node.ask({"stylesheet": True})
    assert node.proc is None
    node.close()  # nothing to close: no error


def test_one_process_answers_request_after_request(mathjax):
    """The first request starts Node, the next ones reuse it; a TeX error
    is a result, not a failure of the process."""
    reply, started = mathjax.ask(
        {
            "formulas": [
                {"tex": "x", "display": False},
                {"tex": "\\nosuchmacro", "display": True},
            ]
        }
    )
    assert started
    good, bad = reply["results"]
    assert good["html"].startswith('<mjx-container class="MathJax" jax="SVG"')
    assert 'xlink:href="#MJX-TEX-I-1D465"' in good["html"]  # italic x
    assert set(reply["glyphs"]) == {"MJX-TEX-I-1D465"}
    assert bad == {"error": "Undefined control sequence \\nosuchmacro"}
    proc = mathjax.proc
    reply, started = mathjax.ask({"stylesheet": True})
    assert not started and mathjax.proc is proc
    assert 'mjx-container[jax="SVG"]' in reply["css"]


def test_a_request_mathjax_cannot_read_is_a_math_error(mathjax):
    """The script's own failure comes back as {"error": ...}: a MathError
    that says the process failed; the process lives on."""
    with pytest.raises(MathError, match="the MathJax process failed"):
        mathjax.ask({"formulas": 5})
    reply, started = mathjax.ask({"formulas": []})
    assert not started and reply == {"results": [], "glyphs": {}}


def test_a_dead_process_is_started_again_and_close_ends_it(mathjax):
    """A Node that died (killed under serve) is started again on the next
    request; close() ends it and may be called twice."""
    mathjax.ask({"formulas": []})
    first = mathjax.proc
    first.kill()
    first.wait()
    _reply, started = mathjax.ask({"formulas": []})
    assert started and mathjax.proc is not first
    second = mathjax.proc
    mathjax.close()
    assert mathjax.proc is None
    assert second.wait(timeout=5) == 0  # stdin closed: it exits cleanly
    mathjax.close()


def test_node_runs_the_script_beside_the_module():
    """The script Node runs is math_svg.js, shipped beside math_node.py,
    and it refuses to run without the mathjax folder."""
    assert math_node.SCRIPT.is_file()
    proc = subprocess.run(
        ["node", str(math_node.SCRIPT)], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "usage:" in proc.stderr
