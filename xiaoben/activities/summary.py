"""工作总结 sections from 研修活动: what was held, by kind, topics, hours credited, 公开课,
课例研究, 读书交流, 外出学习 and their 汇报. Only activities that took place count."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from xiaoben.core.formatting import num, percent
from xiaoben.core.records import RecordRow
from xiaoben.reportkit.summary import P, Section, join, section

from .metrics import TOOK_PLACE
from .models import Activity, ActivityKind, Attendance, LessonStudySeries, OpenLessonKind

KIND_LABELS = dict(ActivityKind.choices)
LESSON_LABELS = dict(OpenLessonKind.choices)


def activity_row(a: Activity) -> RecordRow:
    when = a.starts_at.date() if a.starts_at else None
    return RecordRow(
        date=when,
        title=a.title,
        detail=f"{a.get_kind_display()}" + (f" · {a.group.name}" if a.group_id and a.group else ""),
        url=reverse("activities:detail", args=[a.pk]),
    )


def _series_row(s: LessonStudySeries) -> RecordRow:
    return RecordRow(date=None, title=s.title, detail=s.get_kind_display(), url=reverse("activities:series_detail", args=[s.pk]))


def held(period):
    return Activity.objects.filter(period.q(group="group"), status__in=TOOK_PLACE).select_related("group")


@section("activities", title="研修活动", order=20)
def activities_section(period):
    qs = held(period)
    total = period.figure("activities.total", "研修活动", qs, unit="次", describe=activity_row)
    by_kind = period.counts_by(qs, "kind")
    from xiaoben.hours.models import HourEntry

    hours_qs = HourEntry.objects.counted().filter(activity__in=qs, source="activity").select_related("teacher", "activity")
    hours = period.figure("activities.hours", "活动认定学时", hours_qs, unit="学时", total="hours", describe=_hours_row)
    paras = [P(f"{period.word}共开展校本研修活动{{total}}，为参加活动的教师认定学时共{{hours}}。", total=total, hours=hours)]
    parts = []
    for kind, label in ActivityKind.choices:
        if by_kind.get(kind):
            fig = period.figure(
                f"activities.kind.{kind}", label, qs.filter(kind=kind), unit="次", value=by_kind[kind], describe=activity_row
            )
            parts.append((label, fig))
    if parts:
        p = P("其中")
        for i, (label, fig) in enumerate(parts):
            p.extend([("，" if i else "") + label, fig])
        p.append("。")
        paras.append(p)
    lectures = list(qs.filter(kind__in=["lecture", "study"]).order_by("starts_at").values_list("title", flat=True)[:12])
    if lectures:
        paras.append(P(f"专题培训与业务学习的主题有：{join([f'“{t}”' for t in lectures])}{'等' if len(lectures) == 12 else ''}。"))
    att = Attendance.objects.filter(activity__in=qs)
    agg = att.aggregate(all=Count("pk"), present=Count("pk", filter=Attendance.COUNTED))
    if agg["all"]:
        present = period.figure(
            "activities.present",
            "签到人次",
            att.filter(Attendance.COUNTED).select_related("teacher", "activity"),
            unit="人次",
            value=agg["present"],
            describe=_att_row,
        )
        paras.append(P(f"活动应到{num(agg['all'])}人次，实到{{present}}，出勤率{percent(agg['present'], agg['all'])}。", present=present))
    sec = Section(paragraphs=paras)
    if period.group is None and not period.region:
        _fewest_groups(period, qs, sec)
    if not total.value:
        sec.problems.append(f"{period.word}尚无已举行的研修活动记录。")
    return sec


def _hours_row(e) -> RecordRow:
    return RecordRow(
        date=e.date,
        title=f"{e.teacher.name} {num(e.hours)}学时",
        detail=e.activity.title if e.activity_id else e.description,
        url=reverse("activities:detail", args=[e.activity_id]) if e.activity_id else None,
    )


def _att_row(a) -> RecordRow:
    return RecordRow(
        date=a.activity.starts_at.date() if a.activity.starts_at else None,
        title=f"{a.teacher.name} · {a.activity.title}",
        detail=a.get_status_display(),
        url=reverse("activities:detail", args=[a.activity_id]),
    )


def _fewest_groups(period, qs, sec: Section) -> None:
    from xiaoben.org.models import Group

    counts = dict(qs.filter(group__isnull=False).order_by().values_list("group_id").annotate(n=Count("pk")))
    groups = list(Group.objects.filter(school_id__in=period.school_ids, kind="subject", is_active=True).order_by("name"))
    if len(groups) < 2:
        return
    low = min(counts.get(g.pk, 0) for g in groups)
    high = max(counts.get(g.pk, 0) for g in groups)
    if high and low < high / 2:
        names = join([g.name for g in groups if counts.get(g.pk, 0) == low])
        sec.problems.append(f"各教研组活动开展不均衡，{names}{period.word}只开展了{low}次活动。")
        sec.next_steps.append(f"加强对{names}活动的指导与检查，落实每周固定的教研时间。")


@section("open_lessons", title="公开课与课例研究", order=25)
def open_lessons_section(period):
    qs = held(period).filter(kind__in=["open_lesson", "same_topic", "lesson_study", "competition"])
    total = period.figure("open_lessons.total", "公开课", qs, unit="节", describe=activity_row)
    if not total.value:
        return None
    by_lesson = period.counts_by(qs.exclude(lesson_kind=""), "lesson_kind")
    paras = [P(f"{period.word}共开设各类公开课、研究课{{total}}", total=total)]
    bits = []
    for k, label in OpenLessonKind.choices:
        if by_lesson.get(k):
            bits.append(
                (
                    label,
                    period.figure(
                        f"open_lessons.kind.{k}", label, qs.filter(lesson_kind=k), unit="节", value=by_lesson[k], describe=activity_row
                    ),
                )
            )
    for i, (label, fig) in enumerate(bits):
        paras[0].extend(["，其中" if i == 0 else "，", label, fig])
    paras[0].append("。")
    series = LessonStudySeries.objects.filter(period.q(group="group"))
    n_series = period.figure("open_lessons.series", "课例研究", series, unit="个", describe=_series_row)
    if n_series.value:
        rounds = series.aggregate(n=Count("rounds"))["n"] or 0
        paras.append(
            P(f"围绕课堂教学中的实际问题开展一课多研、同课异构等课例研究{{series}}，共{num(rounds)}轮次的磨课与研讨。", series=n_series)
        )
    return Section(paragraphs=paras)


@section("outside", title="外出学习", order=35)
def outside_section(period):
    qs = held(period).filter(kind="outside")
    n = period.figure("outside.trips", "外出学习", qs, unit="次", describe=activity_row)
    if not n.value:
        return None
    reports = Activity.objects.filter(report_for__in=qs, status__in=TOOK_PLACE).select_related("group")
    r = period.figure("outside.reports", "外出学习汇报", reports, unit="次", describe=activity_row)
    without = qs.exclude(pk__in=reports.values("report_for_id"))
    sec = Section(paragraphs=[P("选派教师外出学习{n}，回校后举行汇报课或专题讲座{r}，做到一人学习、多人受益。", n=n, r=r)])
    missing = without.count()
    if missing:
        period.figure("outside.unreported", "未汇报的外出学习", without, unit="次", value=missing, describe=activity_row)
        sec.problems.append(f"有{missing}次外出学习尚未在校内汇报。")
    return sec
