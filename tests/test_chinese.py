"""Chinese typography, in the prose of every Chinese page, notebook and
diagram (outside code, math, link targets and HTML; the readers are in
tests/docs_lint/chinese.py), each failure reported as file:line:

- a half-width parenthesis next to a Chinese character is an error: use
  full-width （）;
- no space between Chinese text and **bold** or a [link](...) whose text
  starts (or, after it, ends) with a Chinese character; a space between
  Chinese and a Latin word or number stays allowed;
- no traditional-only characters.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_lint.chinese import (
    TRADITIONAL_ONLY,
    half_width_parentheses,
    prose_lines,
    spaces_around_bold_and_links,
    variant_lines,
)
from docs_lint.sources import ZH_NOTEBOOKS, ZH_PAGES, ZH_PICTURES, page_id, rel


def _numbered(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), 1))


def findings(title: str, path: Path, found: list) -> str:
    """One line per finding, under its title, naming the file and line."""
    lines = [f"{rel(path)}:{n}: {message}" for n, message in found]
    return "\n  ".join([title, *lines])


@pytest.mark.parametrize("page", ZH_PAGES + ZH_NOTEBOOKS, ids=page_id)
def test_full_width_parentheses_in_chinese_prose(page: Path):
    found = half_width_parentheses(prose_lines(page))
    what = "half-width parentheses in Chinese prose:"
    assert not found, findings(what, page, found)


@pytest.mark.parametrize("picture", ZH_PICTURES, ids=page_id)
def test_full_width_parentheses_in_chinese_diagrams(picture: Path):
    found = half_width_parentheses(variant_lines(picture))
    what = "half-width parentheses in a Chinese diagram:"
    assert not found, findings(what, picture, found)


@pytest.mark.parametrize("page", ZH_PAGES + ZH_NOTEBOOKS, ids=page_id)
def test_no_spaces_around_chinese_bold_and_links(page: Path):
    found = spaces_around_bold_and_links(prose_lines(page))
    what = "stray spaces around bold or links in Chinese prose:"
    assert not found, findings(what, page, found)


@pytest.mark.parametrize("page", ZH_PAGES + ZH_NOTEBOOKS, ids=page_id)
def test_no_traditional_characters(page: Path):
    found = []
    for n, line in enumerate(page.read_text("utf-8").splitlines(), 1):
        chars = sorted(set(line) & TRADITIONAL_ONLY)
        if chars:
            found.append(f"line {n}: {''.join(chars)}")
    assert not found, (
        f"{page.name}: traditional characters:\n  " + "\n  ".join(found)
    )


def test_traditional_list_spares_shared_characters():
    assert not set("器成算化变分自编码判别生成对抗网络") & TRADITIONAL_ONLY
    assert set("判斷器兩個神經網絡組成因為") & TRADITIONAL_ONLY == set(
        "斷兩個經網絡組為"
    )


def test_parenthesis_check_catches_and_spares():
    bad = _numbered(
        "第一行没问题。\n真实 / 生成(伪造)\n使用 GAN(生成对抗网络)。"
    )
    assert [n for n, _ in half_width_parentheses(bad)] == [2, 2, 3, 3]
    assert "-> use （）" in half_width_parentheses(bad)[0][1]
    good = _numbered(
        "生成（伪造）样本；函数 $f(x)$ 的值；`f(x)`的值\n"
        "详见[GAN 页面](gan.md#a)的主题。(a) 左图，(b) 右图\n"
        "Goodfellow et al. (2014) 提出；学习 p(x)，再采样\n"
        '```python\nprint("(中)")\n```\n'
        '<figure markdown="span">![图](pics/a.svg){ width="9%" }</figure>\n'
        "$$\nf(x) = \\text{中(x)}\n$$"
    )
    assert half_width_parentheses(good) == []


def test_bold_and_link_spacing_check_catches_and_spares():
    bad = _numbered(
        "这是 **生成器**和判别器。\n"  # before bold
        "**生成器** 和判别器。\n"  # after bold
        "详见 [生成对抗网络](gan.md) 页面。\n"  # before and after a link
        "它们是：  **编码器**，和**解码\n器** 两部分。"
    )  # bold over two lines
    found = spaces_around_bold_and_links(bad)
    assert [n for n, _ in found] == [1, 2, 3, 3, 4, 5], found
    assert "space before bold" in found[0][1] and "remove it" in found[0][1]
    good = _numbered(
        "这是**生成器**和**判别器**。详见[生成对抗网络](gan.md)页面。\n"
        "详见 [GAN](gan.md) 页面；用 **GAN** 生成；**判别器 D** 的输出\n"
        "生成器 $G$ 与 **判别器** 无关的代码：`a **b** c`\n"
        "![示意图](pics/GAN_1.svg) 图中；中文 *斜体* 也可以"
    )
    found = spaces_around_bold_and_links(good)
    # only line 3, where a Chinese bold span has spaces on both sides
    assert [n for n, _ in found] == [3, 3], found
