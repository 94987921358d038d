"""Translation parity: every English page has a Chinese twin that matches it.

Reads the Markdown sources in docs/ (no build needed). For every
docs/NAME.md there must be a docs/NAME.zh.md with

- the same number of headings (outside fenced code),
- the same embedded code: the `--8<--` targets, in order,
- the same figures: the `fig:NAME` and `pics/...` references, in order,
- the same number of display-math blocks ($$ ... $$).

The glossary (docs/glossary.md) is the contract for terms. Its tables are
parsed, and

- wherever an English page uses a glossary term, its Chinese twin must
  contain the glossary's Chinese term;
- no Chinese page may contain a known wrong variant of a glossary term
  (e.g. 变体自动编码器 for 变分自编码器, 判断器 for 判别器);
- no Chinese page may contain traditional-only characters.

Notebook pages (docs/notebooks/NAME.py and NAME.zh.py) get the same
checks on their Markdown cells; a translation holds no code (the notebook
builder fills it in from the English script, and refuses one that does).

Every check is parametrised per page, so a failure names the page and
says what differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GLOSSARY = DOCS / "glossary.md"

EN_PAGES = sorted(p for p in DOCS.glob("*.md")
                  if not p.name.endswith(".zh.md"))
ZH_PAGES = sorted(DOCS.glob("*.zh.md"))
EN_NOTEBOOKS = sorted(p for p in (DOCS / "notebooks").glob("*.py")
                      if not p.name.endswith(".zh.py"))
ZH_NOTEBOOKS = sorted((DOCS / "notebooks").glob("*.zh.py"))


def notebook_markdown(path: Path) -> str:
    """The Markdown cells of a jupytext notebook, as one Markdown text."""
    import jupytext

    cells = jupytext.read(path).cells
    return "\n\n".join(c.source for c in cells if c.cell_type == "markdown")


def notebook_pair(path: Path) -> tuple[str, str]:
    zh = path.with_name(path.stem + ".zh.py")
    if not zh.is_file():
        pytest.skip(f"{zh.name} is missing (the build reports it)")
    return notebook_markdown(path), notebook_markdown(zh)


def twin(page: Path) -> Path:
    return page.with_name(page.name[:-3] + ".zh.md")


def page_id(page: Path) -> str:
    return page.name


# --------------------------------------------------------------------------
# Reading Markdown

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def split_fences(text: str) -> tuple[list[str], list[str]]:
    """(lines outside fenced code, lines inside it), fences indented or not."""
    outside, inside = [], []
    fence: str | None = None
    for line in text.splitlines():
        m = FENCE.match(line)
        if fence is None:
            if m:
                fence = m.group(1)
                inside.append(line)
            else:
                outside.append(line)
        else:
            inside.append(line)
            if m and m.group(1)[0] == fence[0] and \
                    len(m.group(1)) >= len(fence) and \
                    line.strip() == m.group(1):
                fence = None
    return outside, inside


def headings(text: str) -> list[str]:
    outside, _ = split_fences(text)
    return [line.strip() for line in outside
            if re.match(r"^\s*#{1,6}\s+\S", line)]


SNIPPET = re.compile(r"^\s*--8<--\s+[\"']([^\"']+)[\"']", re.M)


def snippet_targets(text: str) -> list[str]:
    """pymdownx.snippets acts on any line that starts with --8<--."""
    return SNIPPET.findall(text)


FIGURE = re.compile(r"\(fig:([\w.-]+)\)|(?<![\w-])((?:\.\./)*pics/[\w./-]+\.\w+)")


def figures(text: str) -> list[str]:
    outside, _ = split_fences(text)
    found = []
    for m in FIGURE.finditer("\n".join(outside)):
        found.append(f"fig:{m.group(1)}" if m.group(1) else m.group(2))
    return found


def display_math_blocks(text: str) -> int:
    outside, _ = split_fences(text)
    tokens = "\n".join(outside).count("$$")
    assert tokens % 2 == 0, f"unbalanced $$ ({tokens} delimiters)"
    return tokens // 2


REFERENCES = re.compile(r"^#{1,6}\s+(References|参考文献)\s*(\{.*\})?\s*$")


def prose(text: str) -> str:
    """The running text: no code, math, URLs, HTML tags or references."""
    outside, _ = split_fences(text)
    kept = []
    for line in outside:
        if REFERENCES.match(line.strip()):
            break  # the references come last on every page
        kept.append(line)
    body = "\n".join(kept)
    body = re.sub(r"\$\$.*?\$\$", " ", body, flags=re.S)
    body = re.sub(r"(?<!\\)\$[^$\n]+\$", " ", body)
    body = re.sub(r"`[^`\n]*`", " ", body)
    body = re.sub(r"\]\([^)]*\)", "] ", body)
    body = re.sub(r"<[^>\n]+>", " ", body)
    body = re.sub(r"\{[^}\n]*\}", " ", body)  # attribute lists
    return body


def first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"first difference at #{i + 1}: {x!r} (en) vs {y!r} (zh)"
    longer, name = (a, "en") if len(a) > len(b) else (b, "zh")
    extra = longer[min(len(a), len(b)):]
    return f"only in {name}: {extra!r}"


# --------------------------------------------------------------------------
# The glossary


@dataclass(frozen=True)
class Term:
    english: str  # the cell as written, e.g. "real / fake"
    chinese: str  # e.g. "真实 / 生成(伪造)"
    forms: tuple[str, ...]  # English spellings that count as a use
    options: tuple[str, ...]  # Chinese spellings that satisfy it
    abbreviation: bool = False  # forms are "GAN", "KL divergence", ...


def _english_forms(alt: str) -> tuple[str, str | None]:
    """'Kullback-Leibler (KL) divergence' -> the full and the short form;
    '(noun)' or '(of a distribution)' are comments and are dropped."""
    m = re.fullmatch(r"(.*?)\s*\(([^)]*)\)\s*(.*)", alt)
    if not m:
        return alt, None
    before, inside, after = m.groups()
    full = " ".join(x for x in (before, after) if x)
    if re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]", inside):  # an abbreviation
        return full, " ".join(x for x in (inside, after) if x)
    return full, None


def _chinese_options(alt: str) -> list[str]:
    """'生成(伪造)' -> ['生成', '伪造']; '轮(epoch)' -> ['轮', 'epoch']."""
    return [p.strip() for p in re.split(r"[()（）]", alt) if p.strip()]


def parse_glossary(text: str) -> list[Term]:
    """Every row of every table whose header starts `| English | 中文 |`.

    A cell with alternatives ("real / fake" and "真实 / 生成(伪造)") is
    split and paired by position when both sides have as many. A term with
    an abbreviation ("generative adversarial network (GAN)") gives two
    checks: the full English form asks for the Chinese term; the
    abbreviation, which both languages share, accepts the Chinese term or
    the abbreviation itself.
    """
    terms: list[Term] = []
    in_table = False
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.strip().startswith("|"):
            in_table = False
            continue
        if cells[:2] == ["English", "中文"]:
            in_table = True
            continue
        if not in_table or set(cells[0]) <= set("-: "):
            continue
        en_alts = [a.strip() for a in cells[0].split(" / ")]
        zh_alts = [a.strip() for a in cells[1].split(" / ")]
        if len(en_alts) == len(zh_alts):
            pairs = zip(en_alts, zh_alts)
        else:
            pairs = ((a, " / ".join(zh_alts)) for a in en_alts)
        for en, zh in pairs:
            options = [o for z in zh.split(" / ") for o in _chinese_options(z)]
            full, short = _english_forms(en)
            terms.append(Term(cells[0], cells[1], (full,), tuple(options)))
            if short:
                terms.append(Term(cells[0], cells[1], (short,),
                                  (*options, short.split()[0]),
                                  abbreviation=True))
    return terms


def glossary_columns(text: str) -> list[tuple[str, str]]:
    rows = []
    in_table = False
    for line in text.splitlines():
        if not line.strip().startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[:2] == ["English", "中文"]:
            in_table = True
        elif in_table and not set(cells[0]) <= set("-: "):
            rows.append((cells[0], cells[1]))
    return rows


# English uses of a term's words that are not the term.
NOT_TERMS = re.compile(
    r"\breal(?:[\s-]+(?:numbers?|line|axis|valued))\b|\bprior to\b",
    re.I,
)


def english_pattern(form: str) -> re.Pattern:
    """Case-insensitive, plural-tolerant, with -ise/-ize and hyphen variants.
    Abbreviations (GAN, KL divergence, ELBO) are matched case-sensitively."""
    words = re.split(r"([\s-]+)", form)
    parts = []
    for w in words:
        if re.fullmatch(r"\s+", w):
            parts.append(r"[\s\-\u2010\u2013]+")
        elif re.fullmatch(r"-+", w):
            parts.append(r"[\s\-\u2010\u2013]?")
        else:
            parts.append(re.escape(w).replace("isation", "i[sz]ation"))
    body = "".join(parts)
    flags = 0 if re.match(r"[A-Z]{2,}", form) else re.I
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w])", flags)


def count_uses(term: Term, english_prose: str) -> int:
    text = NOT_TERMS.sub(" ", english_prose)
    return sum(len(english_pattern(f).findall(text)) for f in term.forms)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def present(option: str, chinese_prose: str) -> bool:
    """A Chinese term is found ignoring spaces; a Latin one as a word."""
    if re.fullmatch(r"[A-Za-z]+", option):
        return re.search(rf"(?<![A-Za-z]){option}(?![A-Za-z])",
                         chinese_prose) is not None
    return squash(option) in squash(chinese_prose)


def missing_terms(terms: list[Term], english: str, chinese: str,
                  min_uses: int = 1) -> list[str]:
    """Glossary terms the English text uses whose Chinese term the Chinese
    text lacks, as 'english (n uses) -> chinese' strings."""
    en, zh = prose(english), prose(chinese)
    missing = []
    for term in terms:
        n = count_uses(term, en)
        if n >= min_uses and not any(present(o, zh) for o in term.options):
            missing.append(f"{' / '.join(term.forms)} ({n} uses) -> "
                           f"{' or '.join(term.options)}")
    return missing


# Known wrong Chinese variants of glossary terms, and the right term.
WRONG_VARIANTS = {
    "变体自动编码器": "变分自编码器",
    "变分自动编码器": "变分自编码器",
    "自动编码器": "自编码器",
    "判断器": "判别器",
    "鉴别器": "判别器",
    "辨别器": "判别器",
    "模式坍塌": "模式崩溃",
    "模式坍缩": "模式崩溃",
    "重参数技巧": "重参数化技巧",
    "再参数化": "重参数化技巧",
    "隐空间": "潜在空间",
    "潜空间": "潜在空间",
    "隐变量": "潜变量",
    "潜在变量": "潜变量",
    "隐向量": "潜向量",
    "生成式对抗网络": "生成对抗网络",
    "纳什平衡": "纳什均衡",
    "交叉墒": "交叉熵",
    "证据下限": "证据下界",
    "批量归一化": "批归一化",
    "批标准化": "批归一化",
    "全联接层": "全连接层",
}

# Characters that exist only in Traditional Chinese (their simplified forms
# differ), so none may appear on a Simplified page. Characters shared by
# both scripts (器, 成, 算, 化, ...) are deliberately absent.
TRADITIONAL_ONLY = set(
    "們個為這對與於從學習體數據關係經網絡組聽負責鈔檢驗變動編碼斷兩稱說會來"
    "時後裡裏發現樣應過還進麼給讓種點機問題開間無實長見視層圖結構幾準確類"
    "優訓練輸損計語讀寫線區將當異義處濾積聯參隨態維邊緣測試號頻錯誤歸"
)


# --------------------------------------------------------------------------
# Tests


def test_pages_exist():
    assert EN_PAGES, f"no English pages in {DOCS}"


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_chinese_twin_exists(page: Path):
    assert twin(page).is_file(), f"{page.name} has no {twin(page).name}"


@pytest.mark.parametrize("page", ZH_PAGES, ids=page_id)
def test_english_twin_exists(page: Path):
    english = page.with_name(page.name[:-len(".zh.md")] + ".md")
    assert english.is_file(), f"{page.name} has no {english.name}"


def _pair(page: Path) -> tuple[str, str]:
    if not twin(page).is_file():
        pytest.skip(f"{twin(page).name} is missing (reported above)")
    return page.read_text("utf-8"), twin(page).read_text("utf-8")


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_number_of_headings(page: Path):
    en, zh = map(headings, _pair(page))
    levels = [h.split()[0] for h in en], [h.split()[0] for h in zh]
    assert len(en) == len(zh), (
        f"{page.name}: {len(en)} headings, {twin(page).name}: {len(zh)}\n"
        f"en: {en}\nzh: {zh}")
    assert levels[0] == levels[1], (
        f"{page.name}: heading levels differ; "
        + first_difference(list(zip(levels[0], en)),
                           list(zip(levels[1], zh))))


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_embedded_code(page: Path):
    en, zh = map(snippet_targets, _pair(page))
    assert en == zh, (f"{page.name} vs {twin(page).name}: embedded code "
                      "differs; " + first_difference(en, zh))


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_figures(page: Path):
    en, zh = map(figures, _pair(page))
    assert en == zh, (f"{page.name} vs {twin(page).name}: figures differ; "
                      + first_difference(en, zh))


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_same_number_of_display_math_blocks(page: Path):
    en, zh = map(display_math_blocks, _pair(page))
    assert en == zh, (f"{page.name}: {en} display-math blocks, "
                      f"{twin(page).name}: {zh}")


def _glossary() -> list[Term]:
    assert GLOSSARY.is_file(), "docs/glossary.md is missing"
    terms = parse_glossary(GLOSSARY.read_text("utf-8"))
    assert terms, "docs/glossary.md has no `| English | 中文 |` table"
    return terms


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_chinese_page_uses_glossary_terms(page: Path):
    english, chinese = _pair(page)
    missing = missing_terms(_glossary(), english, chinese)
    assert not missing, (
        f"{page.name} uses these glossary terms, but {twin(page).name} "
        "lacks their Chinese terms:\n  " + "\n  ".join(missing))


@pytest.mark.parametrize("page", EN_NOTEBOOKS, ids=page_id)
def test_notebook_twins_match(page: Path):
    english, chinese = notebook_pair(page)
    en, zh = headings(english), headings(chinese)
    assert [h.split()[0] for h in en] == [h.split()[0] for h in zh], (
        f"{page.name}: headings differ from the Chinese twin; "
        + first_difference(en, zh))
    assert display_math_blocks(english) == display_math_blocks(chinese), (
        f"{page.name}: display-math blocks differ from the Chinese twin")
    missing = missing_terms(_glossary(), english, chinese)
    assert not missing, (
        f"{page.name} uses these glossary terms, but its Chinese twin "
        "lacks their Chinese terms:\n  " + "\n  ".join(missing))


@pytest.mark.parametrize("page", ZH_PAGES + ZH_NOTEBOOKS, ids=page_id)
def test_no_wrong_variants(page: Path):
    text = page.read_text("utf-8")
    found = [f"{wrong} (line {text[:text.index(wrong)].count(chr(10)) + 1};"
             f" use {right})"
             for wrong, right in WRONG_VARIANTS.items() if wrong in text]
    assert not found, f"{page.name}: wrong terms: " + ", ".join(found)


@pytest.mark.parametrize("page", ZH_PAGES + ZH_NOTEBOOKS, ids=page_id)
def test_no_traditional_characters(page: Path):
    found = []
    for n, line in enumerate(page.read_text("utf-8").splitlines(), 1):
        chars = sorted(set(line) & TRADITIONAL_ONLY)
        if chars:
            found.append(f"line {n}: {''.join(chars)}")
    assert not found, (f"{page.name}: traditional characters:\n  "
                       + "\n  ".join(found))


def test_glossary_tables_match():
    """Both glossary pages carry the same English and Chinese columns."""
    zh_page = twin(GLOSSARY)
    if not zh_page.is_file():
        pytest.skip("docs/glossary.zh.md is missing")
    en = glossary_columns(GLOSSARY.read_text("utf-8"))
    zh = glossary_columns(zh_page.read_text("utf-8"))
    assert en == zh, "glossary columns differ; " + first_difference(en, zh)


REQUIRED_TERMS = {
    "generative model": "生成模型", "discriminator": "判别器",
    "variational autoencoder (VAE)": "变分自编码器",
    "latent space": "潜在空间", "mode collapse": "模式崩溃",
    "reparameterisation trick": "重参数化技巧",
    "evidence lower bound (ELBO)": "证据下界",
    "Jensen-Shannon divergence": "JS 散度",
}


def test_glossary_has_the_shared_terms():
    rows = dict(glossary_columns(GLOSSARY.read_text("utf-8")))
    for en, zh in REQUIRED_TERMS.items():
        assert rows.get(en) == zh, f"glossary: {en!r} should be {zh!r}"


def test_wrong_variants_are_not_glossary_terms():
    """A wrong variant must never be (part of) a right term."""
    chinese = [o for t in _glossary() for o in t.options]
    for wrong in WRONG_VARIANTS:
        clash = [c for c in chinese if wrong in c]
        assert not clash, f"{wrong} is listed as wrong but used by {clash}"


# --------------------------------------------------------------------------
# The checks themselves can fail: each is run on inputs that must fail.


def test_term_check_catches_a_missing_term():
    terms = parse_glossary(
        "| English | 中文 | Definition |\n|---|---|---|\n"
        "| discriminator | 判别器 | D |\n"
        "| Kullback-Leibler (KL) divergence | KL 散度 | KL |\n"
        "| real / fake | 真实 / 生成(伪造) | x |\n")
    english = ("The discriminators judge; the KL divergence grows. "
               "A real number is not a real image.")
    assert missing_terms(terms, english, "判断器评判。KL 散度增大。真实图像。") \
        == ["discriminator (1 uses) -> 判别器"]
    assert missing_terms(terms, english, "判别器评判。KL散度。真实") == []
    # "real number" is not the glossary's "real": only one use counts.
    assert count_uses(terms[2], prose(english)) == 1
    # the fake half of "real / fake" accepts either Chinese option
    assert missing_terms(terms, "fakes", "伪造的") == []
    # an abbreviation may stay an abbreviation; the full name may not
    gan = parse_glossary(
        "| English | 中文 | D |\n|---|---|---|\n"
        "| generative adversarial network (GAN) | 生成对抗网络 | x |\n")
    assert missing_terms(gan, "GANs train.", "GAN 的训练。") == []
    assert missing_terms(gan, "A generative adversarial network.",
                         "GAN 的训练。") == [
        "generative adversarial network (1 uses) -> 生成对抗网络"]
    assert missing_terms(gan, "DCGAN is a GAN.", "DCGAN 是一种。") == [
        "GAN (1 uses) -> 生成对抗网络 or GAN"]
    # code, math and references do not count as uses
    assert missing_terms(
        terms, "```python\ndiscriminator = 1\n```\n$D_{KL}$\n"
        "## References\n- The discriminator paper.", "") == []


def test_parity_helpers_see_differences():
    en = ("# A\n\n```python\n# not a heading\n--8<-- \"gen_src/vae.py:kl\"\n"
          "```\n\n![x](fig:vae_samples)\n\n$$\na\n$$\n"
          "<figure markdown=\"span\">![y](pics/VAE_1.svg)</figure>\n")
    assert headings(en) == ["# A"]
    assert snippet_targets(en) == ["gen_src/vae.py:kl"]
    assert figures(en) == ["fig:vae_samples", "pics/VAE_1.svg"]
    assert display_math_blocks(en) == 1
    assert "not a heading" not in prose(en)
    zh = en.replace("fig:vae_samples", "fig:vae_manifold")
    assert figures(en) != figures(zh)


def test_traditional_list_spares_shared_characters():
    assert not set("器成算化变分自编码判别生成对抗网络") & TRADITIONAL_ONLY
    assert set("判斷器兩個神經網絡組成因為") & TRADITIONAL_ONLY == \
        set("斷兩個經網絡組為")
