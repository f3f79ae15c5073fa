"""字数 as Word counts it, and what the sanitiser keeps and removes."""

import pytest

from xiaoben.core.html import clean_html
from xiaoben.writings.textcount import count_chars, count_html


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", 0),
        ("我爱中国", 4),  # each 汉字 = 1
        ("我爱中国。", 5),  # full-width punctuation = 1
        ("Hello world", 2),  # each English word = 1
        ("Hello, world!", 2),  # half-width punctuation belongs to its word
        ("2026年11月18日", 6),  # digit runs are words: 2026 年 11 月 18 日
        ("3.14 是 π", 3),
        ("  \n\t\u3000\u00a0", 0),  # spaces, tabs, line breaks, ideographic space, NBSP: not counted
        ("“你好”，他说——好…", 11),  # Chinese quotes, dashes and ellipsis count one each
        ("ＡＢＣ１２３", 6),  # full-width letters and digits count one each
        ("e-mail", 1),
        ("a - b", 3),  # a lone hyphen is a word in Word too
        ("用PPT上课", 4),  # 用 + PPT + 上 + 课
        ("第3节课，学生20人。", 10),  # 第 3 节 课 ， 学 生 20 人 。
        ("《草船借箭》教学反思", 10),
        ("零\u200b宽", 2),  # zero-width space is not a character
        ("𠀀𠀁", 2),  # extension B characters count one each
    ],
)
def test_count_like_word(text, expected):
    assert count_chars(text) == expected


def test_count_html_ignores_tags_and_decodes_entities():
    html = "<p>今天上了<strong>《荷花》</strong>一课。</p><ul><li>朗读 3 遍</li><li>read aloud</li></ul><p>&lt;好&gt;&nbsp;</p>"
    # 今天上了(4) 《荷花》(4) 一课。(3) | 朗读(2) 3 遍(1) | read aloud(2) | <好>(3: "<" ">" are half-width words)
    assert count_html(html) == 4 + 4 + 3 + 2 + 1 + 1 + 2 + 3


def test_a_real_paragraph():
    text = "本周我在三年级（2）班执教《海底世界》，课前布置学生查阅资料，课上用PPT展示图片。学生兴趣很浓，但朗读指导还不够到位。"
    # Count by hand: 汉字 and full-width marks are one each; "2" and "PPT" are one word each.
    han_and_marks = sum(1 for ch in text if not ch.isascii())
    assert count_chars(text) == han_and_marks + 2


def test_sanitiser_removes_scripts_handlers_js_links_and_styles():
    dirty = (
        '<p style="color:red" onclick="steal()">正文<script>alert(1)</script></p>'
        '<img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">链接</a>'
        '<span style="font-family:宋体;mso-bidi-font-size:12pt">Word 的样式</span>'
    )
    clean = clean_html(dirty)
    for bad in ("<script", "alert(1)", "onclick", "onerror", "javascript:", "style=", "mso-"):
        assert bad not in clean
    assert "正文" in clean and "Word 的样式" in clean and "链接" in clean


def test_sanitiser_keeps_tables_and_lists():
    html = (
        "<table><thead><tr><th>环节</th><th>时间</th></tr></thead><tbody><tr><td colspan='2'>导入</td></tr></tbody></table>"
        "<ol><li>一</li><li>二</li></ol><ul><li>甲</li></ul>"
    )
    clean = clean_html(html)
    for tag in ("<table>", "<thead>", "<th>", '<td colspan="2">', "<ol>", "<ul>", "<li>"):
        assert tag in clean
