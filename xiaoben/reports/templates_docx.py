"""The school's own Word templates (docxtpl). Each document has a default template built
from the default layout, a list of placeholders with example values, and a check run on
upload: a broken template is refused with a Chinese message naming the problem, and the
previous template stays in force."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .models import DocumentTemplate


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str
    example: str


@dataclass(frozen=True)
class DocumentKind:
    """One document a school may restyle: its placeholders (the reference page), an example
    context (the upload check renders it; its keys are the names a template may use), the
    default docxtpl template (`build_default`, or `default_text` line by line in the house style),
    and `preview(scope, school)` -> (filename, mimetype, bytes) of a real record of the school, or
    None when there is nothing to show."""

    key: str
    label: str
    placeholders: tuple[Placeholder, ...]
    example: dict
    build_default: Callable[[], bytes] | None = None
    default_text: tuple[tuple[str, str], ...] = ()
    preview: Callable | None = field(default=None, compare=False)

    @property
    def names(self) -> set[str]:
        return set(self.example)


SUMMARY = DocumentKind(
    key="summary",
    label="校本研修工作总结",
    placeholders=(
        Placeholder("{{ title }}", "标题", "南湖区实验小学2026-2027学年第一学期校本研修工作总结"),
        Placeholder("{{ school }}", "学校名称", "南湖区实验小学"),
        Placeholder("{{ group }}", "教研组（教研组总结时）", "语文组"),
        Placeholder("{{ period }}", "学期或学年", "2026-2027学年第一学期"),
        Placeholder("{{ intro }}", "开头语（页面上填写）", "本学期，我校坚持以校为本……"),
        Placeholder(
            "{% for s in sections %}…{% endfor %}", "逐节输出：s.number（一、二…）、s.title、s.paragraphs（段落列表）", "一、研修活动"
        ),
        Placeholder("{{ figures['activities.total'] }}", "任一数字（见总结页各数字的键）", "24次"),
        Placeholder("{% for p in problems %}{{ p }}{% endfor %}", "存在问题（逐条）", "1. 各教研组活动开展不均衡……"),
        Placeholder("{% for p in next_steps %}{{ p }}{% endfor %}", "下一步打算（逐条）", "1. 加强对数学组活动的指导……"),
        Placeholder("{{ closing }}", "结束语", ""),
        Placeholder("{{ date }}", "落款日期", "2027年1月20日"),
    ),
    example={
        "title": "南湖区实验小学2026-2027学年第一学期校本研修工作总结",
        "school": "南湖区实验小学",
        "group": "",
        "period": "2026-2027学年第一学期",
        "intro": "本学期，我校坚持以校为本，扎实开展校本研修工作，现总结如下。",
        "sections": [
            {"number": "一", "title": "研修活动", "paragraphs": ["本学期共开展校本研修活动24次，为参加活动的教师认定学时共48学时。"]},
            {"number": "二", "title": "听课评课", "paragraphs": ["本学期教师共听课262节，人均听课8.7节。"]},
        ],
        "figures": {"activities.total": "24次", "observations.total": "262节"},
        "problems": ["1. 各教研组活动开展不均衡。"],
        "next_steps": ["1. 加强对教研组活动的指导与检查。"],
        "closing": "",
        "date": "2027年1月20日",
    },
)

KINDS: dict[str, DocumentKind] = {}


def register_kind(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.key] = kind
    return kind


register_kind(SUMMARY)


def document_kinds() -> dict[str, DocumentKind]:
    """Every document a school may restyle (the summary here, the others in reports/doc_kinds.py)."""
    return KINDS


DEFAULT_SUMMARY_TEMPLATE_TEXT = [
    ("title", "{{ title }}"),
    ("body", "{{ intro }}"),
    ("body", "{%p for s in sections %}"),
    ("heading", "{{ s.number }}、{{ s.title }}"),
    ("body", "{%p for para in s.paragraphs %}"),
    ("body", "{{ para }}"),
    ("body", "{%p endfor %}"),
    ("body", "{%p endfor %}"),
    ("heading", "存在问题"),
    ("body", "{%p for p in problems %}"),
    ("body", "{{ p }}"),
    ("body", "{%p endfor %}"),
    ("heading", "下一步打算"),
    ("body", "{%p for p in next_steps %}"),
    ("body", "{{ p }}"),
    ("body", "{%p endfor %}"),
    ("body", "{{ closing }}"),
    ("right", "{{ school }}{{ group }}"),
    ("right", "{{ date }}"),
]


def default_template_bytes(document: str) -> bytes:
    """The shipped default template of a document (a docxtpl .docx in the house style)."""
    kind = document_kinds().get(document)
    if kind is None:
        raise ValidationError("没有这种文档。")
    return kind.build_default() if kind.build_default else _default_from_text(kind.default_text or DEFAULT_SUMMARY_TEMPLATE_TEXT)


@functools.lru_cache(maxsize=16)
def _default_cached(document: str) -> bytes:
    return default_template_bytes(document)


def render_default(document: str, ctx) -> bytes:
    """The document in its shipped default template (for layouts that are the template itself)."""
    return _render_bytes(_default_cached(document), ctx() if callable(ctx) else ctx)


def _default_from_text(lines) -> bytes:
    from xiaoben.reportkit import docx_style as ds

    doc = ds.new_document()
    for kind, text in lines:
        if kind == "title":
            ds.title(doc, text)
        elif kind == "heading":
            ds.heading(doc, text)
        elif kind == "right":
            ds.paragraph(doc, text, indent=False, align="right")
        elif kind == "center":
            ds.paragraph(doc, text, indent=False, align="center")
        else:
            ds.paragraph(doc, text, indent=not text.startswith("{%"))
    return ds.to_bytes(doc)


def active_template(school, document: str) -> DocumentTemplate | None:
    cache = _CACHE.get()
    key = (getattr(school, "pk", school), document)
    if cache is not None and key in cache:
        return cache[key]
    tpl = DocumentTemplate.objects.filter(school=school, document=document, is_active=True).order_by("-created_at").first()
    if cache is not None:
        cache[key] = tpl
    return tpl


_CACHE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("report_templates", default=None)


@contextlib.contextmanager
def templates_cached():
    """While building many documents (the archive), look each school template up and read
    its file once."""
    token = _CACHE.set({})
    try:
        yield
    finally:
        _CACHE.reset(token)


def _render_bytes(data: bytes, ctx: dict) -> bytes:
    """Render a docxtpl template. A template whose placeholders are all in the body is compiled
    once (per process, by content) and rendered as a string, its other parts copied as they
    are; others (placeholders in headers, footers, properties) go through docxtpl in full."""
    compiled = _compiled(data)
    if compiled is not None:
        return compiled.render(ctx)
    return _render_docxtpl(data, ctx)


def _render_docxtpl(data: bytes, ctx: dict) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(data))
    tpl.render(ctx, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


class CompiledTemplate:
    """docxtpl's own steps (patch_xml, jinja, resolve_listing, fix_tables) done on the body,
    with the jinja template compiled once; the output zip reuses every other part's bytes."""

    def __init__(self, data: bytes):
        import jinja2
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
        self._tpl = tpl
        src = tpl.patch_xml(tpl.get_xml())
        src = re.sub(r"<w:p([ >])", r"\n<w:p\1", src)
        self._body = jinja2.Environment(autoescape=True).from_string(src)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self._parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
        main = dict(self._parts)["word/document.xml"].decode("utf-8")
        start = re.search(r"<w:body\b[^>]*>", main)
        end = main.rindex("</w:body>") + len("</w:body>")
        self._head, self._tail = main[: start.start()], main[end:]

    def render(self, ctx: dict) -> bytes:
        from lxml import etree

        xml = self._body.render(ctx)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(ch in xml for ch in "\n\t\a\f"):  # line breaks, tabs… in values; none → nothing to resolve
            xml = self._tpl.resolve_listing(xml)
        body = etree.tostring(self._tpl.fix_tables(xml), encoding="unicode")
        main = (self._head + body + self._tail).encode("utf-8")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for name, part in self._parts:
                z.writestr(name, main if name == "word/document.xml" else part)
        return out.getvalue()


_COMPILED: dict[str, CompiledTemplate | None] = {}


def _compiled(data: bytes) -> CompiledTemplate | None:
    import hashlib

    key = hashlib.sha1(data).hexdigest()
    if key not in _COMPILED:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            others = [n for n in z.namelist() if n.endswith(".xml") and n != "word/document.xml"]
            tagged = any(re.search(rb"\{[{%]", z.read(n)) for n in others)
        try:
            _COMPILED[key] = None if tagged else CompiledTemplate(data)
        except Exception:  # anything docxtpl's full path handles better
            _COMPILED[key] = None
        if len(_COMPILED) > 64:
            _COMPILED.pop(next(iter(_COMPILED)))
    return _COMPILED[key]


def render_template(tpl: DocumentTemplate, ctx: dict) -> bytes:
    cache = _CACHE.get()
    key = ("file", tpl.pk)
    if cache is not None and key in cache:
        return _render_bytes(cache[key], ctx)
    with tpl.file.open("rb") as f:
        data = f.read()
    if cache is not None:
        cache[key] = data
    return _render_bytes(data, ctx)


def check_template(document: str, data: bytes) -> None:
    """Refuse what would not render, naming the problem in Chinese."""
    import jinja2

    kind = document_kinds().get(document)
    if kind is None:
        raise ValidationError("没有这种文档。")
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError("上传的文件不是 Word 文档（.docx）。请在 Word 或 WPS 中“另存为 .docx”后再上传。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise ValidationError("上传的文件不是 Word 文档（.docx）：缺少正文部分。")
    except zipfile.BadZipFile:
        raise ValidationError("上传的文件已损坏，无法打开。") from None
    try:
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(io.BytesIO(data))
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
        names = tpl.get_undeclared_template_variables(env)
    except jinja2.TemplateSyntaxError as e:
        raise ValidationError(
            f"模板语法错误：{_syntax_message(e)}。请检查 {{% for %}} 与 {{% endfor %}}、{{% if %}} 与 {{% endif %}} 是否成对。"
        ) from None
    except Exception as e:
        raise ValidationError(f"无法读取模板：{type(e).__name__}。") from None
    unknown = sorted(n for n in names if n not in kind.names)
    if unknown:
        raise ValidationError(f"模板中有不认识的占位符：{'、'.join('{{ ' + n + ' }}' for n in unknown)}。可用的占位符见“占位符说明”。")
    try:
        _render_bytes(data, kind.example)
    except jinja2.UndefinedError as e:
        raise ValidationError(f"模板中有不认识的占位符：{e.message}。") from None
    except jinja2.TemplateSyntaxError as e:
        raise ValidationError(f"模板语法错误：{_syntax_message(e)}。") from None
    except Exception as e:
        raise ValidationError(f"模板无法生成文档：{type(e).__name__}。") from None


def _syntax_message(e) -> str:
    msg = str(e.message or "")
    if "endfor" in msg or "'for'" in msg:
        return "有未闭合的 {% for %}（缺少 {% endfor %}）"
    if "endif" in msg or "'if'" in msg:
        return "有未闭合的 {% if %}（缺少 {% endif %}）"
    m = re.search(r"unexpected '(.+?)'", msg)
    if m:
        return f"出现了意外的“{m.group(1)}”"
    return msg or "无法解析"


from . import doc_kinds  # noqa: E402,F401  (the other documents register their kinds)
