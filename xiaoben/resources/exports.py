"""Files of the resource library: the list of resources a person may read (.xlsx) and the
results of a 晒课 round (.xlsx). Plain functions returning (filename, mimetype, bytes), registered
with the exporter registry (xiaoben/core/exporters.py)."""

from __future__ import annotations

import io

from django import forms

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.org.choices import GRADE_NAMES

from . import selectors
from .models import ShowcaseRound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(title: str, header: list[str], rows, widths: list[int]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for c in ws[1]:
        c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        ws.append(row)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def library_xlsx(*, actor: Scope, school_id: int | None = None, subject: str = "", tab: str = "all") -> tuple[str, str, bytes]:
    """The resources of a school (or all) the person may read (through the door), newest first.
    A school outside the person's own or their region's schools: 404."""
    from xiaoben.core.errors import NotPermitted

    if school_id is not None and not actor.is_platform_admin and school_id not in actor.readable_school_ids:
        raise NotPermitted()
    f = selectors.ResourceFilters(subject=subject, tab=tab, school_id=school_id)
    rows = (
        [
            r.created_at.date(),
            r.school.name,
            r.title,
            r.get_kind_display(),
            r.subject,
            GRADE_NAMES.get(r.grade or 0, ""),
            r.get_edition_display() if r.edition else "",
            r.unit,
            r.author.name if r.author else "",
            r.get_visibility_display(),
            r.download_count,
        ]
        for r in selectors.resource_list(actor, f).iterator(chunk_size=500)
    )
    header = ["上传日期", "学校", "标题", "类型", "学科", "年级", "教材版本", "单元/章节", "作者", "共享范围", "下载次数"]
    data = _book("资源清单", header, rows, [12, 20, 40, 14, 8, 8, 10, 24, 10, 10, 8])
    return f"资源清单{('-' + subject) if subject else ''}.xlsx", XLSX, data


def showcase_xlsx(*, actor: Scope, round_id: int) -> tuple[str, str, bytes]:
    """Published results of a 晒课 round: rank, lesson, teacher, school, average, level."""
    rnd = get_object_for_user(actor, ShowcaseRound, pk=round_id)
    entries = selectors.entries_for(actor, rnd).order_by("rank", "id")
    published = rnd.status == "published"
    rows = (
        [
            e.rank if published else "",
            e.resource.title,
            e.teacher.name,
            e.school.name,
            float(e.average) if published and e.average is not None else "",
            e.level if published else "",
        ]
        for e in entries
    )
    data = _book("晒课结果", ["名次", "课例", "执教教师", "学校", "平均分", "等级"], rows, [6, 40, 10, 20, 8, 8])
    return f"{rnd.title}-结果.xlsx", XLSX, data


class LibraryParams(forms.Form):
    school = forms.ModelChoiceField(label="学校", queryset=None)
    subject = forms.CharField(label="学科", required=False, max_length=20)

    def __init__(self, *args, scope=None, **kwargs):
        from xiaoben.org.models import School

        super().__init__(*args, **kwargs)
        ids = scope.readable_school_ids if scope is not None else []
        self.fields["school"].queryset = School.objects.filter(pk__in=ids).order_by("id")


class RoundParams(forms.Form):
    round = forms.ModelChoiceField(label="晒课活动", queryset=ShowcaseRound.objects.none())

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        if scope is not None:
            self.fields["round"].queryset = selectors.rounds_for(scope)


@register
class LibraryExporter(Exporter):
    identifier = "resources.library_xlsx"
    verbose_name = "资源清单 (.xlsx)"
    permission = "resources:write"
    category = "资源库"
    form_class = LibraryParams

    def render(self, *, actor, params):
        return library_xlsx(actor=actor, school_id=params["school"], subject=params.get("subject", ""))


@register
class ShowcaseExporter(Exporter):
    identifier = "resources.showcase_xlsx"
    verbose_name = "晒课结果 (.xlsx)"
    permission = "resources:write"
    category = "资源库"
    form_class = RoundParams

    def available(self, scope):
        """Schools' staff and the district's 教研员 (rounds are checked again in render)."""
        return scope.can("resources:write") or scope.can("region:read")

    def render(self, *, actor, params):
        return showcase_xlsx(actor=actor, round_id=params["round"])
