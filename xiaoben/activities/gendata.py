"""gen_data: 研修活动 with their sign-in lists. 备课组 meet most weeks, 教研组 about
monthly, the whole school a few times a term; how often depends on the group (some far
more active than others). Past activities are 已记录 (hours credited at the end, by the rule in hours.services),
a few 已举行 or cancelled; the next two weeks hold published ones."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xiaoben.core.gendata import GenContext, poisson
from xiaoben.hours.models import HourEntry
from xiaoben.hours.services import DEFAULT_HOURS, DEFAULT_HOURS_BY_KIND

from .models import Activity, Attendance

ORDER = 10
PER_YEAR = {"prep": 60, "subject": 16, "studio": 12}
SCHOOL_WIDE_PER_YEAR = 6
SUBJECT_KINDS = ["seminar"] * 4 + ["open_lesson"] * 3 + ["same_topic", "lecture", "reading", "study", "lesson_study"]
LESSON_KINDS = ["demo", "research", "report", "standard", "showcase"]
TITLES = {
    "lesson_prep": "集体备课",
    "seminar": "主题教研",
    "open_lesson": "公开课",
    "same_topic": "同课异构",
    "lecture": "专题讲座",
    "reading": "读书交流",
    "study": "业务学习",
    "lesson_study": "一课多研",
}


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("activities")
    w = ctx.writer
    horizon = ctx.today + dt.timedelta(days=14)
    for gs in ctx.schools:
        days = ctx.school_days(gs)
        future = [d for d in (ctx.today + dt.timedelta(days=i) for i in range(1, 15)) if d.weekday() < 5 and gs.term_on(d)]
        plans = []  # (kind, group or None, members, host)
        for g in gs.groups:
            for _ in range(poisson(rng, PER_YEAR.get(g.kind, 10) * g.weight * gs.weight)):
                kind = "lesson_prep" if g.kind == "prep" else rng.choice(SUBJECT_KINDS)
                plans.append((kind, g, g.member_ids))
        for _ in range(poisson(rng, SCHOOL_WIDE_PER_YEAR)):
            plans.append((rng.choice(["lecture", "study"]), None, gs.teacher_ids))
        for g in gs.groups:  # what is coming up
            if future and rng.random() < 0.5 * g.weight:
                plans.append(("lesson_prep" if g.kind == "prep" else "seminar", g, g.member_ids, rng.choice(future)))
        ids = w.ids(Activity, len(plans))
        acts, atts = [], []
        for pk, plan in zip(ids, plans, strict=True):
            kind, g, members = plan[:3]
            day, term = (plan[3], gs.term_on(plan[3])) if len(plan) > 3 else rng.choice(days)
            upcoming = day > ctx.today
            host = rng.choice(members)
            recorder = rng.choice(members)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.choice([8, 10, 14, 15]), rng.choice([0, 30]))))
            r = rng.random()
            status = "published" if upcoming else "recorded" if r < 0.82 else "held" if r < 0.96 else "cancelled"
            acts.append(
                {
                    "id": pk,
                    "school_id": gs.id,
                    "term_id": term.id,
                    "group_id": g.id if g else None,
                    "kind": kind,
                    "lesson_kind": rng.choice(LESSON_KINDS) if kind == "open_lesson" else "",
                    "title": f"{g.subject if g else '全校'}{TITLES[kind]}（{day:%m月%d日}）",
                    "starts_at": start,
                    "ends_at": start + dt.timedelta(minutes=90),
                    "place": rng.choice(["会议室", "录播教室", "阶梯教室", "办公室"]),
                    "host_id": host,
                    "recorder_id": recorder,
                    "status": status,
                    "created_by_id": gs.user_ids[g.leader_id if g else gs.teacher_ids[1]],
                    "created_at": start - dt.timedelta(days=7),
                }
            )
            if status == "cancelled":
                continue
            for tid in members:
                role = "host" if tid == host else "recorder" if tid == recorder else "participant"
                if upcoming:
                    st = "invited"
                else:
                    x = rng.random()
                    st = "present" if x < 0.88 or role != "participant" else "leave" if x < 0.94 else "absent"
                atts.append(
                    {
                        "activity_id": pk,
                        "teacher_id": tid,
                        "role": role,
                        "status": st,
                        "signed_in_at": start if st == "present" else None,
                        "created_at": start - dt.timedelta(days=7),
                    }
                )
        assert all(a["starts_at"].date() <= horizon for a in acts)
        w.insert(Activity, acts)
        w.insert(Attendance, atts)
    _credit_hours(ctx)


def _hours_case() -> str:
    """CASE kind/role → hours, the same table `hours.services.activity_hours_table` uses by default."""
    whens = []
    for kind, table in DEFAULT_HOURS_BY_KIND.items():
        for role, h in table.items():
            whens.append(f"WHEN a.kind = '{kind}' AND t.role = '{role}' THEN {h}")
    for role, h in DEFAULT_HOURS.items():
        whens.append(f"WHEN t.role = '{role}' THEN {h}")
    return "CASE " + " ".join(whens) + f" ELSE {DEFAULT_HOURS['participant']} END"


def _credit_hours(ctx: GenContext) -> None:
    """The 学时 the services would have credited: one entry per present attendee of every 已记录
    activity, by role (the rule in `hours.services`), made in SQL."""
    ids = [gs.id for gs in ctx.schools]
    day = "CAST(a.starts_at AS date)" if ctx.writer.pg else "date(a.starts_at)"
    now = timezone.now()
    sql = (
        f"INSERT INTO {HourEntry._meta.db_table} "
        "(school_id, teacher_id, term_id, date, hours, category, source, activity_id, source_ref, description, created_at, updated_at) "
        f"SELECT a.school_id, t.teacher_id, a.term_id, {day}, {_hours_case()}, "
        "CASE WHEN a.kind = 'online' THEN 'online' WHEN a.kind IN ('regional', 'outside') THEN 'region' ELSE 'school' END, "
        "'activity', a.id, '', SUBSTR(a.title, 1, 200), %s, %s "
        f"FROM {Attendance._meta.db_table} t JOIN {Activity._meta.db_table} a ON a.id = t.activity_id "
        "WHERE t.status = 'present' AND a.status IN ('recorded', 'archived') AND a.school_id BETWEEN %s AND %s"
    )
    n = ctx.writer.execute(sql, [now, now, min(ids), max(ids)])
    ctx.writer.counts[HourEntry._meta.label] = ctx.writer.counts.get(HourEntry._meta.label, 0) + n
