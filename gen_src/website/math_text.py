"""A typeset formula as one line of plain text, where no SVG can go:
the search index (search_index.py), a notebook's table of contents.

A formula on the page is SVG, which holds no text. Beside it MathJax
keeps the formula as MathML for screen readers (<mjx-assistive-mml>);
`linear` writes that MathML as one would type it: `log p_θ(x)`,
`(a + b)/2`, `x^2`, `√(x)`, `E_(q(z|x))[…]`.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from gen_src.website.math_scan import Formula, find_in_text

MATH = re.compile(r"<math\b.*?</math>", re.S)
INVISIBLE = dict.fromkeys(map(ord, "\u2061\u2062\u2063\u2064\u200b"))
# Operators written with a space on each side when between two operands.
SPACED = set("=≠≈≡≤≥<>∼≃∝→←↦⇒⇔∈∉⊂⊆∪∩+−±∓×·÷∣") | {":=", "∥"}
ACCENTS = {"^": "\u0302", "~": "\u0303", "¯": "\u0304", "˙": "\u0307"}
ACCENTS |= {"→": "\u20d7", "ˇ": "\u030c", "´": "\u0301", "`": "\u0300"}
SKIP = {"mphantom", "annotation", "annotation-xml", "none", "mprescripts"}
PRIMES = set("′″‴'")
CLOSING = set(")]}|‖⟩⌋⌉!′″")
# Marks for _tidy: after a function name (a space, unless a bracket
# follows), and after a script or fraction (a space before a letter).
APPLY, JOIN = "\x00", "\x01"


class _Node:
    def __init__(self, tag: str, attrs: dict):
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _text(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text(child) for child in node.children)


def _wrap(text: str) -> str:
    """A sub- or superscript, numerator or radicand: bracketed unless it
    is a single symbol or number."""
    text = text.strip(" " + JOIN)
    if re.fullmatch(r"\w|\d+(?:\.\d+)?|\W|\([^()]*\)", text):
        return text
    return f"({text})"


def _accent(base: str, mark: str) -> str:
    """x with a hat: x̂ (x^ when the base is longer than a letter)."""
    base = base.strip(" " + JOIN)
    combining = ACCENTS.get(mark.strip())
    if combining and len(base) == 1:
        return base + combining
    return base + mark.strip()


def _script(node: _Node, kids: list[str]) -> str:
    tag = node.tag
    accent = node.attrs.get("accent") == "true"
    if tag == "mover" and (accent or kids[1].strip() in ACCENTS):
        return _accent(kids[0], kids[1])
    if tag == "munder" and node.attrs.get("accentunder") == "true":
        return kids[0]
    big = _node_children(node)[0].tag == "mo"  # min_G, a sum's limits
    out = kids[0]
    if tag in ("msub", "munder", "msubsup", "munderover"):
        out += "_" + _wrap(kids[1])
    if tag == "msup" and kids[1].strip() and set(kids[1]) <= PRIMES:
        out += kids[1].strip()
    elif tag in ("msup", "mover"):
        out += "^" + _wrap(kids[1])
    if tag in ("msubsup", "munderover"):
        out += "^" + _wrap(kids[2])
    return out + " " if big else out + JOIN


def _node_children(node: _Node) -> list[_Node]:
    return [c for c in node.children if isinstance(c, _Node)]


def _render(node: _Node | str, prev: _Node | None = None) -> str:
    if isinstance(node, str):
        return ""  # text between the elements is whitespace
    tag = node.tag
    if tag in SKIP:
        return ""
    if tag in ("mi", "mn", "mtext", "ms"):
        return _text(node).replace("\u00a0", " ")
    if tag == "mo":
        op = _text(node).strip()
        if op == "\u2061":  # function application: log p
            return APPLY
        signed = prev is None or (
            prev.tag == "mo" and _text(prev).strip() not in CLOSING
        )
        if op in ("+", "−", "±", "∓") and signed:
            return op  # a sign, not an operation: -1
        if op in (",", ";"):
            return op + " "
        return f" {op} " if op in SPACED else op
    if tag == "mspace":
        return " "
    if tag == "semantics":
        kids = _node_children(node)
        return _render(kids[0]) if kids else ""
    nodes = _node_children(node)
    kids = [
        _render(n, nodes[i - 1] if i else None) for i, n in enumerate(nodes)
    ]
    if tag in ("msub", "msup", "msubsup", "munder", "mover", "munderover"):
        if len(kids) < (3 if tag in ("msubsup", "munderover") else 2):
            return "".join(kids)
        return _script(node, kids)
    if tag == "mfrac" and len(kids) == 2:
        return f"{_wrap(kids[0])}/{_wrap(kids[1])}{JOIN}"
    if tag == "msqrt":
        return "√" + _wrap("".join(kids))
    if tag == "mroot" and len(kids) == 2:
        return f"{_wrap(kids[0])}^(1/{kids[1].strip()})"
    if tag == "mtable":
        return "; ".join(k.strip() for k in kids if k.strip())
    if tag in ("mtr", "mlabeledtr"):
        return " ".join(k.strip() for k in kids if k.strip())
    return "".join(kids)


def _tidy(text: str) -> str:
    text = re.sub(APPLY + r"\s*(?=[(\[{])", "", text).replace(APPLY, " ")
    text = re.sub(JOIN + r"(?=[^\s()\[\]{},;.:!?|/])", " ", text)
    text = text.replace(JOIN, "")
    text = text.translate(INVISIBLE).replace("∗", "*")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"([(\[{]) ", r"\1", text)
    return re.sub(r" ([,;)\]}])", r"\1", text)


def linear(mathml: str) -> str:
    """The MathML of one formula as a line of plain text."""
    tree = _Tree()
    tree.feed(mathml)
    tree.close()
    return _tidy(_render(tree.root))


def of_container(container: str) -> str:
    """The plain text of a typeset formula (MathJax's mjx-container)."""
    match = MATH.search(container)
    return linear(match.group(0)) if match else ""


def _plain_title(title: str, formulas: dict) -> str:
    out, cursor = [], 0
    for start, end, formula in find_in_text(title):
        text = "$" if formula == "$" else None  # an escaped dollar sign
        if isinstance(formula, Formula):
            key = Formula(html.unescape(formula.tex), formula.display)
            if key in formulas:
                text = html.escape(of_container(formulas[key]), quote=False)
        out += [title[cursor:start], text or title[start:end]]
        cursor = end
    return "".join(out) + title[cursor:]


def plain_toc(toc, formulas: dict) -> None:
    """Titles in a page's table of contents with their math as plain text
    (a notebook's contents keep the TeX of its headings: `$\\beta = 5$`).
    formulas: Formula -> typeset container (math_svg's Typesetter)."""
    for item in toc:
        item.title = _plain_title(item.title, formulas)
        plain_toc(item.children, formulas)
