"""Counting characters the way Word counts 字数 (中文字符和朝鲜语单词 + 非中文单词).

The rule we implement (and mirror in `static/writings/editor.js`):

* every CJK character (汉字, including extension B+, kana, hangul, radicals) counts 1;
* every full-width / Chinese punctuation mark counts 1: the CJK punctuation block
  (、。〈〉《》「」【】〔〕…, U+3001–U+303F), full-width forms (，！？：；（）０-９Ａ-Ｚ…,
  U+FF01–U+FF60, U+FFE0–U+FFEE), vertical and compatibility forms (U+FE10–U+FE1F,
  U+FE30–U+FE4F), and the typographic marks Chinese text uses — ‘ ’ “ ” — – … · (U+2010–U+2027, U+00B7);
* every run of anything else that is not whitespace — Latin letters, digits,
  half-width punctuation — counts 1 as one word ("Hello," = 1, "3.14" = 1, "2026年" = 2);
* whitespace (spaces, tabs, line breaks, the ideographic space U+3000, NBSP) and
  zero-width characters are not counted.

This is what Word's 字数统计 shows as 字数 for Chinese documents.
"""

from __future__ import annotations

import re

_CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_WIDE = "\u00b7\u2010-\u2027\u3001-\u303f\ufe10-\ufe1f\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffee"
_TOKEN = re.compile(rf"[{_CJK}{_WIDE}]|[^\s{_CJK}{_WIDE}]+")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")


def count_chars(text: str | None) -> int:
    """字数 of plain text, counted as Word does (see the module docstring)."""
    if not text:
        return 0
    return len(_TOKEN.findall(_ZERO_WIDTH.sub("", text)))


def count_html(html: str | None) -> int:
    """字数 of sanitised HTML: tags are not counted, entities count as the character they stand for."""
    from xiaoben.core.html import html_to_text

    return count_chars(html_to_text(html))
