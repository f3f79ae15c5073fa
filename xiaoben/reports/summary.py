"""工作总结 section 基本情况: the 教师队伍结构分析 paragraph (same text as the analysis page).

The org app sits below the report kit in the layers, so the reports app writes this section from
org's analysis."""

from __future__ import annotations

from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.org import analysis
from xiaoben.org.selectors import today
from xiaoben.reportkit.summary import P, Section, section


def _row(t) -> RecordRow:
    return RecordRow(
        date=None,
        title=f"{t.name}（{t.staff_no}）",
        detail=f"{t.subject} · {t.get_title_display()}",
        url=reverse("org:teacher_detail", args=[t.pk]),
    )


@section("basics", title="基本情况", order=10)
def basics_section(period):
    teachers = period.teachers().order_by("staff_no")
    n = period.figure("basics.teachers", "在职教师", teachers, unit="人", describe=_row)
    if period.group is not None:
        return Section(paragraphs=[P(f"{period.group.name}现有教师{{n}}。", n=n)])
    if period.region is not None:
        return Section(paragraphs=[P(f"区域内{len(period.schools)}所学校参与统计，共有在职教师{{n}}。", n=n)])
    a = analysis.structure_analysis(school=period.schools[0], on=min(today(), period.end))
    text = analysis.paragraph(a)
    lead = f"学校现有专任教师{a.total}人"
    if text.startswith(lead):
        return Section(paragraphs=[P("学校现有专任教师{n}" + text[len(lead) :], n=n)])
    return Section(paragraphs=[P(text)])
