"""工作总结 section from the 学时 ledger: total, per teacher, by category, and the share of
teachers meeting the yearly target."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse

from xiaoben.core.formatting import num, percent
from xiaoben.core.records import RecordRow
from xiaoben.org.selectors import today
from xiaoben.reportkit.summary import P, Section, section

from .models import HourCategory, HourEntry
from .selectors import school_hour_stats, targets_for_schools


def _row(e: HourEntry) -> RecordRow:
    return RecordRow(
        date=e.date,
        title=f"{e.teacher.name} {num(e.hours)}学时",
        detail=f"{e.get_category_display()} · {e.description or e.get_source_display()}",
        url=reverse("hours:teacher_ledger", args=[e.teacher_id]),
    )


def _teacher_row(t) -> RecordRow:
    return RecordRow(date=None, title=f"{t.name}（{t.staff_no}）", detail=t.subject, url=reverse("hours:teacher_ledger", args=[t.pk]))


@section("hours", title="学时", order=60)
def hours_section(period):
    qs = (
        HourEntry.objects.counted()
        .filter(school_id__in=period.school_ids, date__gte=period.start, date__lte=period.end)
        .select_related("teacher")
    )
    if period.group is not None:
        qs = qs.filter(teacher_id__in=period.member_ids)
    total = period.figure("hours.total", "认定学时", qs, unit="学时", total="hours", describe=_row)
    teachers = period.teachers()
    n = teachers.count()
    avg = Decimal(total.value) / n if n else Decimal(0)
    p = P(f"{period.word}全体教师共获得继续教育学时{{total}}，人均{num(avg, 1)}学时", total=total)
    sums = dict(qs.order_by().values_list("category").annotate(v=Sum("hours")))
    first = True
    for c, label in HourCategory.choices:
        if sums.get(c):
            fig = period.figure(f"hours.category.{c}", label, qs.filter(category=c), unit="学时", value=sums[c], describe=_row)
            p.extend(["，其中" if first else "，", label, fig])
            first = False
    p.append("。")
    paras = [p]
    sec = Section(paragraphs=paras)
    year = min(period.end, today()).year
    met_ids: list[int] = []
    targets = targets_for_schools(list(period.schools), year)
    for school in period.schools:
        target = targets[school.pk].year
        stats = school_hour_stats(school=school, year=year)
        if period.group is not None:
            stats = stats.filter(pk__in=period.member_ids)
        met_ids += [t.pk for t in stats if t.year_total >= target]
    met = period.figure(
        "hours.met_year",
        f"{year}年度学时达标教师",
        teachers.filter(pk__in=met_ids).order_by("staff_no"),
        unit="人",
        value=len(met_ids),
        describe=_teacher_row,
    )
    target = targets[period.schools[0].pk].year if period.schools else 0
    paras.append(P(f"{year}年度学时达标（{num(target)}学时）的教师{{met}}，占{percent(len(met_ids), n)}。", met=met))
    if n and len(met_ids) < n:
        sec.next_steps.append(f"提醒尚未达到{year}年度学时要求的{n - len(met_ids)}名教师，及时参加培训并申报学时。")
    return sec
