"""工作总结 section from 考核: schemes of the period, teachers assessed, average score."""

from __future__ import annotations

from django.db.models import Avg
from django.urls import reverse

from xiaoben.core.formatting import score
from xiaoben.core.records import RecordRow
from xiaoben.reportkit.summary import P, Section, section

from .models import AssessmentResult, AssessmentScheme


def _row(r: AssessmentResult) -> RecordRow:
    return RecordRow(
        date=None, title=f"{r.teacher.name} {score(r.total)}", detail=r.get_status_display(), url=reverse("assessment:result", args=[r.pk])
    )


@section("assessment", title="考核", order=70, levels=("school", "group"))
def assessment_section(period):
    schemes = AssessmentScheme.objects.filter(school_id__in=period.school_ids, term_id__in=period.term_ids)
    if not schemes.exists():
        return None
    results = AssessmentResult.objects.filter(scheme__in=schemes).select_related("teacher")
    if period.group is not None:
        results = results.filter(teacher_id__in=period.member_ids)
    confirmed = results.filter(status="confirmed")
    n = period.figure("assessment.results", "参加考核的教师", results, unit="人", describe=_row)
    c = period.figure("assessment.confirmed", "考核已确认", confirmed, unit="人", describe=_row)
    avg = confirmed.aggregate(v=Avg("total"))["v"]
    names = "、".join(f"《{s.name}》" for s in schemes.order_by("id"))
    tail = f"平均{score(avg)}。" if avg is not None else "。"
    return Section(paragraphs=[P(f"按照{names}对教师进行考核，参加考核的教师{{n}}，学校已确认{{c}}，{tail}", n=n, c=c)])
