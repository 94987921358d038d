"""Math typeset at build time: TeX on the pages becomes SVG.

Pages ship finished formulas and no math script. MathJax 3 (the npm
package `mathjax`, installed by `npm ci`) runs in one Node process per
build (gen_src/website/math_svg.js), fed the formulas of one page at a
time; each result is cached under the cache folder (math/STAMP.jsonl, one
JSON record a line, each with a checksum), so a warm build starts no Node
at all, and both languages share the formulas they have in common.

What is typeset is what the runtime MathJax used to typeset (see
`find`): `\\(..\\)`, `\\[..\\]` and `\\begin{..}..\\end{..}` in the
elements pymdownx.arithmatex makes, and also `$..$` and `$$..$$` in a
notebook's Markdown cells (classes jp-MarkdownOutput, jp-RenderedHTML).

The SVG is MathJax's own, with its "global" font cache: a formula draws
its glyphs with <use xlink:href="#MJX-TEX-I-1D465">, and each page carries
the glyphs it uses once, in a hidden <svg> at the end of its content (so
that Material's instant navigation, which swaps the content, brings the
glyphs along). The container keeps MathJax's MathML for screen readers;
formulas stay out of the search index.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from gen_src.website import math_glue

SCRIPT = Path(__file__).with_name("math_svg.js")
MATHJAX_DIR = Path("node_modules") / "mathjax"
CSS_URI = "assets/mathjax-svg.css"
FONT_CACHE_ID = "MJX-SVG-global-cache"

# The runtime MathJax's settings (formerly docs/assets/math-config.js):
# delimiters, and the classes whose text is searched for them.
INLINE = (("\\(", "\\)"), ("$", "$"))
DISPLAY = (("\\[", "\\]"), ("$$", "$$"))
PROCESS_CLASS = re.compile(
    r"(?:^|\s)(?:arithmatex|jp-RenderedHTML|jp-MarkdownOutput)(?:\s|$)"
)
SKIP_TAGS = {
    "script",
    "noscript",
    "style",
    "textarea",
    "pre",
    "code",
    "annotation",
    "annotation-xml",
    "svg",
    "math",
}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(?P<end>/)?(?P<tag>[A-Za-z][\w:-]*)"
    r"(?P<attrs>(?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)"
    r"\s*(?P<close>/)?>",
    re.S,
)
CLASS_ATTR = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
USE = re.compile(r'xlink:href="#(MJX-[^"]+)"')
# After MathJax's own rules: TeX that failed (under `mkdocs serve` only;
# a build stops instead).
EXTRA_CSS = """
.math-error {
  color: #c62828;
  font-family: monospace;
}
"""


class MathError(RuntimeError):
    """Math that cannot be typeset; the message names the page and TeX."""


class MissingToolError(RuntimeError):
    """Node or the mathjax package is missing: says how to install it."""


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool


# --- finding the math ---------------------------------------------------


def _start_pattern() -> re.Pattern:
    delimiters = sorted(
        {d[0] for d in (*INLINE, *DISPLAY)}, key=len, reverse=True
    )
    parts = [re.escape(d) for d in delimiters]
    parts.append(r"\\begin\{([^}]*)\}")  # processEnvironments
    parts.append(r"\\*\\\$")  # processEscapes: \$ is a dollar sign
    return re.compile("|".join(parts))


START = _start_pattern()
ENDS = {start: (end, False) for start, end in INLINE} | {
    start: (end, True) for start, end in DISPLAY
}


def _end_of(text: str, pos: int, end: str) -> int | None:
    """Where the math that starts at pos ends (after `end`), as MathJax's
    FindTeX does it: braces must balance and \\x escapes x."""
    pattern = re.compile(re.escape(end) + r"|\\.|[{}]", re.S)
    depth = 0
    for match in pattern.finditer(text, pos):
        token = match.group(0)
        if token == end and depth == 0:
            return match.end()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
    return None


def _end_of_environment(text: str, pos: int, name: str) -> int | None:
    pattern = re.compile(
        r"\\(begin|end)\{" + re.escape(name) + r"\}|\\.|[{}]", re.S
    )
    nesting = 1
    for match in pattern.finditer(text, pos):
        if match.group(1) == "begin":
            nesting += 1
        elif match.group(1) == "end":
            nesting -= 1
            if nesting == 0:
                return match.end()
    return None


def find_in_text(text: str) -> list[tuple[int, int, Formula | str]]:
    """Math in one string of text (no tags): (start, end, formula) spans,
    or (start, end, "$") for an escaped dollar sign."""
    found = []
    pos = 0
    while True:
        match = START.search(text, pos)
        if match is None:
            return found
        token = match.group(0)
        if token.endswith("\\$"):
            if len(token) % 2 == 0:  # an odd number of backslashes
                start = match.end() - 2
                found.append((start, match.end(), "$"))
            pos = match.end()
            continue
        if match.group(1) is not None:  # \begin{name}
            end = _end_of_environment(text, match.end(), match.group(1))
            if end is None:
                pos = match.end()
                continue
            tex = text[match.start() : end]
            found.append((match.start(), end, Formula(tex, True)))
            pos = end
            continue
        close, display = ENDS[token]
        end = _end_of(text, match.end(), close)
        if end is None:
            pos = match.end()
            continue
        tex = text[match.end() : end - len(close)].strip()
        if tex:
            found.append((match.start(), end, Formula(tex, display)))
        pos = end


def _classes(attrs: str) -> str | None:
    match = CLASS_ATTR.search(attrs)
    if match is None:
        return None
    return next(g for g in match.groups() if g is not None)


def find(content: str) -> list[tuple[int, int, str]]:
    """The text runs of a page's HTML content that MathJax would search:
    inside an element of a process class, out of any element with another
    class (an element without a class follows its parent), and out of
    code, pre, script and style. Returns (start, end, unescaped text)."""
    runs = []
    stack: list[tuple[str, bool]] = []  # (tag, searched inside)
    searched = False  # the content sits in <article class="md-typeset">
    pos = 0
    for token in TOKEN.finditer(content):
        if searched and token.start() > pos:
            runs.append(
                (
                    pos,
                    token.start(),
                    html.unescape(content[pos : token.start()]),
                )
            )
        pos = token.end()
        tag = (token.group("tag") or "").lower()
        if not tag:  # a comment
            continue
        if token.group("end"):
            names = [t for t, _ in stack]
            if tag in names:
                while stack:
                    popped, _ = stack.pop()
                    if popped == tag:
                        break
                searched = stack[-1][1] if stack else False
            continue
        if tag in VOID or token.group("close"):
            continue
        classes = _classes(token.group("attrs") or "")
        if tag in SKIP_TAGS:
            inside = False
        elif classes is None:
            inside = searched
        else:
            inside = bool(PROCESS_CLASS.search(classes))
        stack.append((tag, inside))
        searched = inside
    if searched and pos < len(content):
        runs.append((pos, len(content), html.unescape(content[pos:])))
    return runs


# --- typesetting --------------------------------------------------------


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Stats:
    formulas: int = 0  # on the pages, counting repeats
    typeset: int = 0  # by Node, this process
    node_seconds: float = 0.0
    started_node: bool = False


class Typesetter:
    """Typesets pages' math; one per process (see the hook)."""

    def __init__(self, root: Path, cache_dir: Path):
        self.root = root
        self.mathjax = root / MATHJAX_DIR
        self.cache_dir = Path(cache_dir) / "math"
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._loaded = False
        self.formulas: dict[Formula, str] = {}
        self.glyphs: dict[str, str] = {}
        self.css: str | None = None
        self.used: set[Formula] = set()
        self.stats = Stats()
        self._records = 0

    # The cache -------------------------------------------------------

    def stamp(self) -> str:
        """What the results depend on: MathJax's version and the script."""
        package = self.mathjax / "package.json"
        if not package.is_file() or not (self.mathjax / "es5").is_dir():
            raise MissingToolError(
                f"{self.mathjax} is missing, so math cannot be typeset. "
                "Run `make setup` (it runs `npm ci`), or `npm ci` in the "
                "repository root."
            )
        version = json.loads(package.read_text("utf-8"))["version"]
        return _sha(f"mathjax {version}\n" + SCRIPT.read_text("utf-8"))

    @property
    def cache_file(self) -> Path:
        return self.cache_dir / f"{self.stamp()}.jsonl"

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        path = self.cache_file
        if not path.is_file():
            return
        for line in path.read_bytes().splitlines():
            try:
                record = json.loads(line)
                self._take(record)
                self._records += 1
            except (ValueError, KeyError, TypeError):
                continue  # a cut-short or damaged line: typeset it again

    def _take(self, record: dict) -> None:
        """Check a cache record (its checksum) and keep what it holds."""
        kind = record["kind"]
        value = record["value"]
        if record["sha"] != _sha(value):
            raise ValueError("checksum")
        if kind == "formula":
            key = Formula(record["tex"], bool(record["display"]))
            self.formulas[key] = value
        elif kind == "glyph":
            self.glyphs[record["id"]] = value
        elif kind == "css":
            self.css = value
        else:
            raise KeyError(kind)

    @staticmethod
    def _record(kind: str, value: str, **extra) -> dict:
        return {"kind": kind, **extra, "value": value, "sha": _sha(value)}

    def _append(self, records: list[dict]) -> None:
        if not records:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        data = "".join(
            json.dumps(r, ensure_ascii=False) + "\n" for r in records
        ).encode("utf-8")
        fd = os.open(
            self.cache_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644
        )
        try:
            os.write(fd, data)  # one write: whole lines, even when two
        finally:  # builds share the cache
            os.close(fd)
        self._records += len(records)
        for stale in self.cache_dir.glob("*.jsonl"):
            if stale != self.cache_file:  # another MathJax or script
                stale.unlink(missing_ok=True)

    def compact(self) -> None:
        """Rewrite the cache with the formulas used since begin_cycle(), if
        it holds many others (formulas since edited away)."""
        self._load()
        used = self.used & set(self.formulas)
        if not used or self._records <= 1.25 * (
            len(used) + len(self.glyphs) + 1
        ):
            return
        records = [self._record("css", self.css)] if self.css else []
        records += [
            self._record("glyph", path, id=gid)
            for gid, path in sorted(self.glyphs.items())
        ]
        records += [
            self._record(
                "formula", self.formulas[f], tex=f.tex, display=f.display
            )
            for f in sorted(used, key=lambda f: (f.tex, f.display))
        ]
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, self.cache_file)
        self._records = len(records)

    def begin_cycle(self) -> None:
        """A new build (both languages) starts: forget what was used."""
        self.used = set()

    # Node --------------------------------------------------------------

    def _node(self) -> subprocess.Popen:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        node = shutil.which("node")
        if node is None:
            raise MissingToolError(
                "node is missing, so math cannot be typeset at build time. "
                "Install Node.js 18 or newer (Debian: apt-get install "
                "nodejs npm), then run `make setup`."
            )
        self.stamp()  # names a missing mathjax package
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            [node, str(SCRIPT), str(self.mathjax)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=self.root,
        )
        self.stats.started_node = True
        ready = self._read()
        if "ready" not in ready:
            raise MathError(f"MathJax did not start: {ready}")
        return self._proc

    def _read(self) -> dict:
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait()
            self._stderr.seek(0)
            err = self._stderr.read().decode("utf-8", "replace").strip()
            self._proc = None
            raise MathError(
                f"the MathJax process ({SCRIPT.name}) stopped: {err[-2000:]}"
            )
        return json.loads(line)

    def _ask(self, request: dict) -> dict:
        import time

        with self._lock:
            started = time.perf_counter()
            proc = self._node()
            proc.stdin.write(
                (json.dumps(request, ensure_ascii=False) + "\n").encode()
            )
            proc.stdin.flush()
            reply = self._read()
            self.stats.node_seconds += time.perf_counter() - started
        if "error" in reply:
            raise MathError(f"the MathJax process failed: {reply['error']}")
        return reply

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.stdin.close()
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            self._proc = None

    # Typesetting -------------------------------------------------------

    def stylesheet(self) -> str:
        """MathJax's CSS for its SVG output."""
        self._load()
        if self.css is None:
            css = self._ask({"stylesheet": True})["css"]
            self.css = css
            self._append([self._record("css", css)])
        return self.css

    def stylesheet_file(self) -> Path:
        """The stylesheet as a file (the site publishes it at CSS_URI)."""
        css = self.stylesheet() + EXTRA_CSS
        path = self.cache_dir / f"{self.stamp()}.css"
        if not path.is_file() or path.read_text("utf-8") != css:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(css)
            os.replace(tmp, path)
        for stale in self.cache_dir.glob("*.css"):
            if stale != path:
                stale.unlink(missing_ok=True)
        return path

    def typeset(self, formulas: list[Formula]) -> dict[Formula, object]:
        """SVG for each formula (from the cache, or from Node), or the
        TeX error as a MathError."""
        self._load()
        wanted = list(dict.fromkeys(formulas))
        self.used.update(wanted)
        missing = [f for f in wanted if f not in self.formulas]
        out: dict[Formula, object] = {}
        if missing:
            reply = self._ask(
                {
                    "formulas": [
                        {"tex": f.tex, "display": f.display} for f in missing
                    ]
                }
            )
            records = []
            for gid, path in reply["glyphs"].items():
                if self.glyphs.get(gid) != path:
                    self.glyphs[gid] = path
                    records.append(self._record("glyph", path, id=gid))
            for formula, result in zip(missing, reply["results"]):
                if "error" in result:
                    out[formula] = MathError(result["error"])
                    continue
                self.formulas[formula] = result["html"]
                records.append(
                    self._record(
                        "formula",
                        result["html"],
                        tex=formula.tex,
                        display=formula.display,
                    )
                )
            self.stats.typeset += len(missing)
            self._append(records)
        for formula in wanted:
            out.setdefault(formula, self.formulas.get(formula))
        return out

    def page(self, content: str, where: str) -> tuple[str, list[str]]:
        """The page's HTML content with its math typeset, and the TeX
        errors (each naming `where` and the formula; such a formula is
        left as it was, marked as an error)."""
        runs = []  # (start, end, text, math in the text)
        for start, end, text in find(content):
            items = find_in_text(text)
            if items:
                runs.append((start, end, text, items))
        if not runs:
            return content, []
        formulas = [
            item
            for *_, items in runs
            for _a, _b, item in items
            if isinstance(item, Formula)
        ]
        self.stats.formulas += len(formulas)
        done = self.typeset(formulas)
        errors: list[str] = []
        out, pos = [], 0
        for start, end, text, items in runs:
            # the run is rebuilt from its unescaped text
            out.append(content[pos:start])
            cursor = 0
            for a, b, item in items:
                out.append(html.escape(text[cursor:a], quote=False))
                result = "$" if item == "$" else done[item]
                if isinstance(result, str):
                    out.append(_unsearched(result))
                else:
                    errors.append(
                        f"{where}: TeX error in {text[a:b]!r}: {result}"
                    )
                    out.append(
                        '<span class="math-error" title="'
                        f'{html.escape(str(result))}">'
                        f"{html.escape(text[a:b], quote=False)}</span>"
                    )
                cursor = b
            out.append(html.escape(text[cursor:], quote=False))
            pos = end
        out.append(content[pos:])
        body = math_glue.glue("".join(out))
        return body + self.font_cache(body), errors

    def font_cache(self, body: str) -> str:
        """The hidden <svg> with every glyph the page's formulas use."""
        ids = sorted(set(USE.findall(body)))
        if not ids:
            return ""
        paths = "".join(
            f'<path id="{gid}" d="{self.glyphs[gid]}"></path>'
            for gid in ids
            if gid in self.glyphs
        )
        return (
            f'\n<svg id="{FONT_CACHE_ID}" style="display: none;" '
            f'data-search-exclude aria-hidden="true"><defs>{paths}</defs>'
            "</svg>"
        )


def _unsearched(container: str) -> str:
    """Keep the formula out of the search index (Material's parser skips
    an element marked data-search-exclude)."""
    return container.replace(
        "<mjx-container ", "<mjx-container data-search-exclude ", 1
    )


ROOT = Path(__file__).resolve().parents[2]  # where node_modules/ is
_shared: dict[tuple[Path, Path], Typesetter] = {}


def cache_root(options: dict) -> Path:
    """The cache folder, as the figure pipeline chooses it (GEN_CACHE_DIR,
    then extra.gen_src.cache_dir, then .cache/gen_src)."""
    from gen_src import runtime

    if os.environ.get("GEN_CACHE_DIR"):
        return Path(os.environ["GEN_CACHE_DIR"]).resolve()
    if options.get("cache_dir"):
        return runtime.home() / options["cache_dir"]
    return runtime.home() / ".cache" / "gen_src"


def shared(config) -> Typesetter:
    """The process's typesetter for this mkdocs.yml's cache folder (kept
    across the languages' builds and `mkdocs serve` rebuilds)."""
    options = dict((config.extra or {}).get("gen_src") or {})
    key = (ROOT, cache_root(options))
    if key not in _shared:
        _shared[key] = Typesetter(*key)
    return _shared[key]


__all__ = [
    "CSS_URI",
    "Formula",
    "MathError",
    "MissingToolError",
    "Typesetter",
    "cache_root",
    "shared",
    "find",
    "find_in_text",
]
