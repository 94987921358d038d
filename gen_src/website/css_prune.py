"""A stylesheet cut down to the rules that can match the pages.

mkdocs-jupyter's converter brings all of JupyterLab's CSS (about 600 kB,
90 kB gzipped): the editor, the file browser, dialogs, widgets. A notebook
page needs the rules for what is on it. A selector is kept when every
class it names (outside :not()) occurs on some notebook page; selectors
without a class (`:root` with JupyterLab's variables, `pre`) are kept, as
are @font-face and @keyframes. What is kept is unchanged, so the pages
look as before.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

CLASS_ATTR = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")
CLASS_NAME = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
NOT = re.compile(r":not\((?:[^()]|\([^()]*\))*\)")
VAR = re.compile(r"var\(\s*(--[\w-]+)")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
VERSION = "1"  # change to prune every cached stylesheet again
KEPT_AT_RULES = ("@font-face", "@keyframes", "@-webkit-keyframes", "@-moz-")


def classes_in(html: str) -> set[str]:
    found: set[str] = set()
    for match in CLASS_ATTR.finditer(html):
        found.update((match.group(1) or match.group(2) or "").split())
    return found


def _blocks(css: str) -> list[tuple[str, str | None]]:
    """Top-level (prelude, body) pairs; body None for `@charset ...;`."""
    out: list[tuple[str, str | None]] = []
    i, n = 0, len(css)
    start = 0
    while i < n:
        c = css[i]
        if c in "\"'":  # a string: braces inside do not count
            end = css.find(c, i + 1)
            while end > 0 and css[end - 1] == "\\":
                end = css.find(c, end + 1)
            i = (end if end > 0 else n - 1) + 1
            continue
        if c == ";" and css[start:i].strip().startswith("@"):
            out.append((css[start : i + 1].strip(), None))
            start = i = i + 1
            continue
        if c == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                if css[j] in "\"'":
                    end = css.find(css[j], j + 1)
                    j = (end if end > 0 else n - 1) + 1
                    continue
                depth += {"{": 1, "}": -1}.get(css[j], 0)
                j += 1
            out.append((css[start:i].strip(), css[i + 1 : j - 1]))
            start = i = j
            continue
        i += 1
    return out


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, []
    for c in prelude:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(c)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _may_match(selector: str, used: set[str]) -> bool:
    names = CLASS_NAME.findall(NOT.sub("", selector))
    return all(name in used for name in names)


def _declarations(body: str) -> list[str]:
    """A rule's declarations (split at ; outside strings and brackets)."""
    parts, depth, quote, current = [], 0, "", []
    for c in body:
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == ";" and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(c)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _rules(css: str):
    """Every (prelude, body) of a plain rule, inside @media too."""
    for prelude, body in _blocks(css):
        if body is None or prelude.startswith(KEPT_AT_RULES):
            continue
        if prelude.startswith("@"):
            yield from _rules(body)
        else:
            yield prelude, body


def _unused_properties(css: str, pages_text: str) -> set[str]:
    defined: dict[str, list[str]] = {}
    wanted: set[str] = set(VAR.findall(pages_text))
    for _prelude, body in _rules(css):
        for decl in _declarations(body):
            name, _, value = decl.partition(":")
            name = name.strip()
            if name.startswith("--"):
                defined.setdefault(name, []).append(value)
            else:
                wanted.update(VAR.findall(value))
    for _prelude, body in _blocks(css):
        if body is not None and _prelude.startswith(KEPT_AT_RULES):
            wanted.update(VAR.findall(body))
    todo = list(wanted)
    while todo:  # properties that the wanted ones use
        for value in defined.get(todo.pop(), []):
            for name in VAR.findall(value):
                if name not in wanted:
                    wanted.add(name)
                    todo.append(name)
    return set(defined) - wanted


def _drop_properties(css: str, unused: set[str]) -> str:
    out: list[str] = []
    for prelude, body in _blocks(css):
        if body is None or prelude.startswith(KEPT_AT_RULES):
            out.append(prelude if body is None else f"{prelude}{{{body}}}")
        elif prelude.startswith("@"):
            inner = _drop_properties(body, unused)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        else:
            kept = [
                d
                for d in _declarations(body)
                if d.partition(":")[0].strip() not in unused
            ]
            if kept:
                out.append(f"{prelude}{{{';'.join(kept)}}}")
    return "\n".join(out) + "\n"


def prune(css: str, used: set[str], pages_text: str = "") -> str:
    """The rules of css that can match pages using the classes used (and
    only the custom properties they need)."""
    kept = _prune_rules(css, used)
    return _drop_properties(kept, _unused_properties(kept, pages_text))


def _prune_rules(css: str, used: set[str]) -> str:
    out: list[str] = []
    for prelude, body in _blocks(COMMENT.sub("", css)):
        if body is None:
            out.append(prelude)
        elif prelude.startswith(KEPT_AT_RULES):
            out.append(f"{prelude}{{{body}}}")
        elif prelude.startswith("@"):  # @media, @supports: what they hold
            inner = _prune_rules(body, used)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        else:
            kept = [
                s for s in _split_selectors(prelude) if _may_match(s, used)
            ]
            if kept:
                out.append(f"{','.join(kept)}{{{body.strip()}}}")
    return "\n".join(out) + "\n"


def pruned_file(src: Path, pages: list[Path], cache_dir: Path) -> Path:
    """src cut down for the given HTML pages, cached under cache_dir."""
    css = Path(src).read_text("utf-8")
    used: set[str] = set()
    texts = [Path(page).read_text("utf-8") for page in pages]
    for text in texts:
        used |= classes_in(text)
    properties = set(VAR.findall("".join(texts)))
    digest = hashlib.sha256(
        "\0".join([VERSION, css, *sorted(used), *sorted(properties)]).encode()
    ).hexdigest()[:20]
    folder = Path(cache_dir) / "css"
    target = folder / f"{Path(src).stem}-{digest}.css"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{Path(src).stem}-*.css"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(prune(css, used, " ".join(sorted(properties))))
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target
