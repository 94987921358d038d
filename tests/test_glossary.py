"""The glossary (docs/glossary.md) is the contract for terms, and the
only place where they are written down. Its tables (header `| English |
中文 | Avoid | ... |`) are parsed (tests/docs_lint/glossary.py), and

- wherever an English page uses a glossary term, its Chinese twin must
  contain the glossary's Chinese term;
- no Chinese page, Chinese notebook, Chinese diagram (pics/*.zh.svg) or
  Chinese interface string may contain a variant from the Avoid column
  (e.g. 变体自动编码器 for 变分自编码器). The failure names file, line,
  variant and the term to use; a variant inside a longer glossary term
  does not count.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_lint.chinese import variant_lines
from docs_lint.glossary import (
    Variant,
    avoid_groups,
    count_uses,
    find_variants,
    glossary_columns,
    glossary_rows,
    glossary_terms,
    missing_terms,
    parse_avoided,
    parse_glossary,
)
from docs_lint.sources import (
    EN_PAGES,
    GLOSSARY,
    ROOT,
    ZH_NOTEBOOKS,
    ZH_PAGES,
    ZH_PICTURES,
    first_difference,
    page_id,
    pair,
    prose,
    rel,
    twin,
)


@pytest.mark.parametrize("page", EN_PAGES, ids=page_id)
def test_chinese_page_uses_glossary_terms(page: Path):
    english, chinese = pair(page)
    missing = missing_terms(glossary_terms(), english, chinese)
    assert not missing, (
        f"{page.name} uses these glossary terms, but {twin(page).name} "
        "lacks their Chinese terms:\n  " + "\n  ".join(missing)
    )


def _avoided() -> list[Variant]:
    variants = parse_avoided(GLOSSARY.read_text("utf-8"))
    assert variants, "docs/glossary.md has no Avoid column (or it is empty)"
    return variants


def _allowed() -> list[str]:
    return [o for t in glossary_terms() for o in t.options]


@pytest.mark.parametrize(
    "page", ZH_PAGES + ZH_NOTEBOOKS + ZH_PICTURES, ids=page_id
)
def test_no_avoided_variants(page: Path):
    found = find_variants(variant_lines(page), _avoided(), _allowed())
    assert not found, (
        "variants the glossary's Avoid column rules out:\n  "
        + "\n  ".join(
            f"{rel(page)}:{n}: {wrong} -> use {right}"
            for n, wrong, right in found
        )
    )


def test_no_avoided_variants_in_the_chinese_interface_strings():
    """The strings table (widget labels, figure words, provenance) is
    read by the reader too: 评论家 once slipped into the replay."""
    table = ROOT / "gen_src" / "builder" / "strings" / "zh.toml"
    lines = enumerate(table.read_text("utf-8").splitlines(), 1)
    found = find_variants(lines, _avoided(), _allowed())
    assert not found, "\n  ".join(
        f"{rel(table)}:{n}: {wrong} -> use {right}"
        for n, wrong, right in found
    )


def test_glossary_tables_match():
    """Both glossary pages carry the same English, Chinese and Avoid
    columns."""
    zh_page = twin(GLOSSARY)
    if not zh_page.is_file():
        pytest.skip("docs/glossary.zh.md is missing")
    en = glossary_columns(GLOSSARY.read_text("utf-8"))
    zh = glossary_columns(zh_page.read_text("utf-8"))
    assert en == zh, "glossary columns differ; " + first_difference(en, zh)
    en_avoid, zh_avoid = (
        [
            (r.english, avoid_groups(r.avoid))
            for r in glossary_rows(page.read_text("utf-8"))
        ]
        for page in (GLOSSARY, zh_page)
    )
    assert en_avoid == zh_avoid, (
        "glossary Avoid columns differ; "
        + first_difference(en_avoid, zh_avoid)
    )


REQUIRED_TERMS = {
    "generative model": "生成模型",
    "discriminator": "判别器",
    "variational autoencoder (VAE)": "变分自编码器",
    "latent space": "潜在空间",
    "mode collapse": "模式崩溃",
    "reparameterisation trick": "重参数化技巧",
    "evidence lower bound (ELBO)": "证据下界",
    "Jensen-Shannon divergence": "JS 散度",
}


def test_glossary_has_the_shared_terms():
    rows = dict(glossary_columns(GLOSSARY.read_text("utf-8")))
    for en, zh in REQUIRED_TERMS.items():
        assert rows.get(en) == zh, f"glossary: {en!r} should be {zh!r}"


def test_avoided_variants_are_not_glossary_terms():
    """No variant is a glossary term, every variant points to one, and
    every variant is caught when it stands alone."""
    allowed = _allowed()
    for v in _avoided():
        assert v.wrong not in allowed, (
            f"{v.wrong} is listed under Avoid but is a glossary term"
        )
        assert v.hint or v.right in {t.chinese for t in glossary_terms()} | {
            a.strip() for t in glossary_terms() for a in t.chinese.split(" / ")
        }, f"{v.wrong}: {v.right!r} is no glossary term"
        assert find_variants([(1, v.wrong)], _avoided(), allowed) == [
            (1, v.wrong, v.right)
        ], f"{v.wrong} would never be reported"


def test_the_glossary_decisions_hold():
    """Decisions the site has taken, read back from the glossary."""
    check = [
        (1, "模式坍缩，模式塌缩，后验坍塌"),
        (2, "本网站用规则的潜在空间"),
        (3, "多模态分布；码率-失真；每张图像 247 奈特"),
        (4, "规则网格；按规则；生成式学习与判别学习"),
        (5, "判别器占上风；变分自动编码器"),
    ]
    assert find_variants(check, _avoided(), _allowed()) == [
        (1, "模式坍缩", "模式崩溃"),
        (1, "模式塌缩", "模式崩溃"),
        (2, "本网站", "本站"),
        (2, "规则的潜在空间", "规整"),
        (3, "多模态", "多峰分布"),
        (3, "码率-失真", "率失真"),
        (4, "判别学习", "判别式学习"),
        (5, "占上风", "领先"),
        (5, "变分自动编码器", "变分自编码器"),
    ]


def test_term_check_catches_a_missing_term():
    terms = parse_glossary(
        "| English | 中文 | Definition |\n|---|---|---|\n"
        "| discriminator | 判别器 | D |\n"
        "| Kullback-Leibler (KL) divergence | KL 散度 | KL |\n"
        "| real / fake | 真实 / 生成(伪造) | x |\n"
    )
    english = (
        "The discriminators judge; the KL divergence grows. "
        "A real number is not a real image."
    )
    assert missing_terms(
        terms, english, "判断器评判。KL 散度增大。真实图像。"
    ) == ["discriminator (1 uses) -> 判别器"]
    assert missing_terms(terms, english, "判别器评判。KL散度。真实") == []
    # "real number" is not the glossary's "real": only one use counts.
    assert count_uses(terms[2], prose(english)) == 1
    # the fake half of "real / fake" accepts either Chinese option
    assert missing_terms(terms, "fakes", "伪造的") == []
    # an abbreviation may stay an abbreviation; the full name may not
    gan = parse_glossary(
        "| English | 中文 | D |\n|---|---|---|\n"
        "| generative adversarial network (GAN) | 生成对抗网络 | x |\n"
    )
    assert missing_terms(gan, "GANs train.", "GAN 的训练。") == []
    assert missing_terms(
        gan, "A generative adversarial network.", "GAN 的训练。"
    ) == ["generative adversarial network (1 uses) -> 生成对抗网络"]
    assert missing_terms(gan, "DCGAN is a GAN.", "DCGAN 是一种。") == [
        "GAN (1 uses) -> 生成对抗网络 or GAN"
    ]
    # code, math and references do not count as uses
    assert (
        missing_terms(
            terms,
            "```python\ndiscriminator = 1\n```\n$D_{KL}$\n"
            "## References\n- The discriminator paper.",
            "",
        )
        == []
    )


GLOSSARY_WITH_AVOID = (
    "| English | 中文 | Avoid | Definition |\n|---|---|---|---|\n"
    "| mode collapse | 模式崩溃 | 模式坍缩、坍缩、坍塌 | x |\n"
    "| posterior collapse | 后验坍塌 | | x |\n"
    "| generative learning / discriminative learning | 生成式学习 / "
    "判别式学习 | 生成学习 / 判别学习, 判别性学习 | x |\n"
    "| this site | 本站 | 本网站 | x |\n"
    "| nat | 奈特 | 奈特每张图 → 每张图像 … 奈特 | x |\n"
)


def test_avoid_column_is_parsed():
    variants = parse_avoided(GLOSSARY_WITH_AVOID)
    assert [(v.wrong, v.right) for v in variants] == [
        ("模式坍缩", "模式崩溃"),
        ("坍缩", "模式崩溃"),
        ("坍塌", "模式崩溃"),
        ("生成学习", "生成式学习"),
        ("判别学习", "判别式学习"),
        ("判别性学习", "判别式学习"),
        ("本网站", "本站"),
        ("奈特每张图", "每张图像 … 奈特"),
    ]
    # the term columns read as before, with or without an Avoid column
    terms = parse_glossary(GLOSSARY_WITH_AVOID)
    assert [t.options for t in terms][:2] == [("模式崩溃",), ("后验坍塌",)]
    assert (
        parse_avoided(
            "| English | 中文 | D |\n|---|---|---|\n| sample | 样本 | x |\n"
        )
        == []
    )
    zh = GLOSSARY_WITH_AVOID.replace("Avoid", "不用")
    assert parse_avoided(zh) == variants
    with pytest.raises(ValueError, match="2 groups for 1"):
        parse_avoided(
            "| English | 中文 | Avoid |\n|---|---|---|\n"
            "| site | 本站 | 本网站 / 网站 |\n"
        )


def test_variant_check_names_line_variant_and_term(tmp_path):
    variants = parse_avoided(GLOSSARY_WITH_AVOID)
    allowed = [
        o for t in parse_glossary(GLOSSARY_WITH_AVOID) for o in t.options
    ]
    lines = [
        (1, "一切正常。"),
        (2, "生成器出现模式坍缩，而后验坍塌是另一回事。"),
        (3, "本网站讲生成学习，模式坍塌"),
        (4, "坍缩"),
    ]
    assert find_variants(lines, variants, allowed) == [
        (2, "模式坍缩", "模式崩溃"),  # once, as the longer variant
        (3, "本网站", "本站"),
        (3, "生成学习", "生成式学习"),
        (3, "坍塌", "模式崩溃"),  # 模式坍塌 is no glossary term
        (4, "坍缩", "模式崩溃"),
    ]
    # 坍塌 inside the glossary term 后验坍塌 is not flagged ...
    assert find_variants([(1, "后验坍塌")], variants, allowed) == []
    # ... but it is without the term's exemption
    assert find_variants([(1, "后验坍塌")], variants) == [
        (1, "坍塌", "模式崩溃")
    ]
    # the glossary's own Avoid cells are skipped, its other cells are not
    page = tmp_path / "glossary.zh.md"
    page.write_text(
        GLOSSARY_WITH_AVOID.replace("| x |\n| this", "| 本网站 |\n| this"),
        "utf-8",
    )
    assert find_variants(variant_lines(page), variants, allowed) == [
        (5, "本网站", "本站")
    ]
    # in a diagram only text nodes count, and lines are the file's
    svg = tmp_path / "a.zh.svg"
    svg.write_text(
        '<svg>\n<text id="本网站">本站</text>\n'
        "<text>模式坍缩</text>\n</svg>\n",
        "utf-8",
    )
    assert find_variants(variant_lines(svg), variants, allowed) == [
        (3, "模式坍缩", "模式崩溃")
    ]
