"""The i18n helpers: twins, language keys, switcher links, Chinese lines."""

from __future__ import annotations

from gen_src.website import i18n


def test_missing_twin_and_unknown_language_are_named(tmp_path):
    for name in (
        "index.md",
        "index.zh.md",
        "gan.md",
        "vae.zh.md",
        "cvae.fr.md",
    ):
        (tmp_path / name).write_text("# x\n")
    problems = i18n.check_twins(tmp_path, "en", ["en", "zh"])
    text = "\n".join(problems)
    assert "docs/gan.zh.md is missing" in text
    assert "docs/vae.md is missing" in text
    assert "docs/cvae.fr.md: unknown language key 'fr'" in text
    assert len(problems) == 3


def test_twins_complete_is_quiet(tmp_path):
    for name in ("a.md", "a.zh.md"):
        (tmp_path / name).write_text("# x\n")
    assert i18n.check_twins(tmp_path, "en", ["en", "zh"]) == []


def test_switcher_links_become_mount_independent():
    alts = [
        {"link": "/course/", "lang": "en"},
        {"link": "/course/zh/", "lang": "zh"},
    ]
    i18n.relative_alternates(alts)
    assert [a["link"] for a in alts] == [".", "zh/"]
    page_links = [
        {"link": "gan/", "lang": "en"},
        {"link": "zh/gan/", "lang": "zh"},
    ]
    i18n.relative_alternates(page_links)
    assert [a["link"] for a in page_links] == ["gan/", "zh/gan/"]


def test_head_alternates_are_removed_but_not_the_body():
    html = (
        '<head><link rel="alternate" href="." hreflang="en"></head>'
        '<body><a href="zh/" hreflang="zh">中文</a></body>'
    )
    out = i18n.strip_head_alternates(html)
    assert 'rel="alternate"' not in out and 'hreflang="zh"' in out


def test_chinese_soft_breaks_are_joined():
    md = (
        "# 标题\n生成器学习\n数据分布。\n\n```python\n# 注释\n代码\n```\n"
        "$$\n中\n文\n$$\n- 列表\n  续行\nEnglish\nwords\n"
    )
    out = i18n.join_cjk_lines(md)
    assert "# 标题\n生成器学习数据分布。" in out
    assert "# 注释\n代码" in out  # code untouched
    assert "$$\n中\n文\n$$" in out  # math untouched
    assert "- 列表续行" in out
    assert "English\nwords" in out
