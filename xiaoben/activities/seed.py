"""Demo activities for a full term, shaped like the 月度安排 of seed 000 篇11/篇13:
weekly 集体备课 per 教研组 (语文星期五下午第三节、数学星期四下午第三节…), 理论学习,
专题讲座, 公开课 of several kinds, 青年教师评优课, 读书汇报会, a 外出学习 with its
汇报, a 一课多研 series and a 同课异构. Past ones are held and recorded with
attendance, minutes and 学时; future ones published (next three weeks) or planned."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.core.seeding import SeedContext
from xiaoben.org.models import Group, GroupMembership

from . import schedule
from .models import Activity, ActivitySlot
from .seed_text import COMMENTS, JUNIOR_PREP_TOPICS, LESSONS, MINUTES, PLAN_DRAFT, PREP_TOPICS, REFLECTIONS

# (weekday, period) of each 教研组's weekly 集体备课: 下午第三节 = 第7节.
SLOT_TIMES = {"语文": (4, 7), "数学": (3, 7), "英语": (2, 7), "综合": (1, 7), "科学": (1, 6), "文综": (0, 7), "艺体": (0, 6)}
PLACES = {
    "语文": "电教室",
    "数学": "三楼会议室",
    "英语": "英语活动室",
    "综合": "科学实验室",
    "科学": "理化实验室",
    "文综": "二楼会议室",
    "艺体": "音乐教室",
}


AFTER: tuple[str, ...] = ()  # seeds whose records this one reads


class _Maker:
    def __init__(self, ctx: SeedContext, school, term):
        self.ctx, self.school, self.term, self.rng = ctx, school, term, ctx.rng
        self.now = timezone.make_aware(dt.datetime.combine(ctx.today, dt.time(12, 0)))
        self.activities: list[Activity] = []
        self.people: dict[int, list[tuple[int, str]]] = {}  # id(activity) -> [(teacher_id, role)]
        self.admin_user = None
        self.links: list[tuple[Activity, Activity]] = []  # (汇报, 外出学习) saved after both exist

    def status_for(self, starts: dt.datetime, *, lead_days: int = 21) -> str:
        if starts < self.now - dt.timedelta(days=5):
            return "recorded"
        if starts < self.now:
            return "held" if self.rng.random() < 0.5 else "recorded"
        return "published" if starts < self.now + dt.timedelta(days=lead_days) else "planned"

    def add(self, *, kind, title, day, period, place, host, recorder, people, group=None, lesson_kind="", slot=None, **extra) -> Activity:
        report_for = extra.pop("report_for", None)
        starts, ends = schedule.period_times(self.school, day, period)
        if kind in ("outside",):
            starts, ends = starts.replace(hour=8, minute=0), starts.replace(hour=17, minute=0)
        a = Activity(
            school=self.school,
            term=self.term,
            group=group,
            kind=kind,
            lesson_kind=lesson_kind,
            title=title,
            starts_at=starts,
            ends_at=ends,
            place=place,
            host=host,
            recorder=recorder,
            status=self.status_for(starts),
            created_by=self.admin_user,
            slot=slot,
            **extra,
        )
        roles = {host.pk: "host" if kind not in ("lecture", "open_lesson", "lesson_study", "same_topic") else "speaker"}
        if recorder:
            roles.setdefault(recorder.pk, "recorder")
        rows = [(t.pk, roles.get(t.pk, "participant")) for t in people]
        rows += [(tid, r) for tid, r in roles.items() if tid not in {t.pk for t in people}]
        self.activities.append(a)
        self.people[id(a)] = rows
        if report_for is not None:
            self.links.append((a, report_for))
        return a

    def day(self, week: int, weekday: int) -> dt.date | None:
        if week in set(self.term.holiday_weeks or []) or week < 1:
            return None
        d = self.term.week_range(week)[0] + dt.timedelta(days=weekday)
        return d if self.term.contains(d) else None


def seed(ctx: SeedContext) -> None:
    for school in ctx.schools:
        term = ctx.terms[school.pk]
        _seed_school(ctx, school, term)


def _seed_school(ctx, school, term) -> None:
    rng = ctx.rng
    m = _Maker(ctx, school, term)
    teachers = [t for t in ctx.teachers[school.pk] if t.is_active]
    by_no = sorted(teachers, key=lambda t: t.staff_no)
    principal, dean = by_no[0], by_no[1]
    from xiaoben.org.models import RoleAssignment

    admin_ra = RoleAssignment.objects.filter(school=school, role="school_admin").select_related("user").first()
    m.admin_user = admin_ra.user if admin_ra else principal.user
    groups = list(Group.objects.filter(school=school, kind="subject").order_by("id"))
    members: dict[int, list] = {g.pk: [] for g in groups}
    leaders: dict[int, object] = {}
    t_by_id = {t.pk: t for t in teachers}
    for gm in GroupMembership.objects.filter(group__in=groups):
        t = t_by_id.get(gm.teacher_id)
        if t is None:
            continue
        members[gm.group_id].append(t)
        if gm.role == "leader":
            leaders[gm.group_id] = t

    # Weekly 集体备课 per 教研组, generated from a slot for the whole term.
    slots = []
    for g in groups:
        weekday, period = SLOT_TIMES.get(g.subject, (rng.randint(0, 4), 7))
        leader = leaders.get(g.pk) or members[g.pk][0]
        recorder = rng.choice([t for t in members[g.pk] if t.pk != leader.pk] or [leader])
        slot = ActivitySlot.objects.create(
            school=school, term=term, group=g, kind="lesson_prep", title="集体备课", weekday=weekday, period=period,
            place=PLACES.get(g.subject, "会议室"), host=leader, recorder=recorder, created_by=leader.user,
        )  # fmt: skip
        slots.append(slot)
        topics = PREP_TOPICS.get(g.subject, PREP_TOPICS["综合"])
        if school.stage != "primary" and g.subject in JUNIOR_PREP_TOPICS:
            topics = JUNIOR_PREP_TOPICS[g.subject]
        for n, (week, day) in enumerate(schedule.slot_dates(term, weekday)):
            a = m.add(
                kind="lesson_prep", title=f"集体备课：{topics[n % len(topics)]}", day=day, period=period, place=slot.place,
                host=leader, recorder=recorder, people=members[g.pk], group=g, slot=slot, description=f"第{week}周",
            )  # fmt: skip
            a.created_by = leader.user

    everyone = teachers
    young = [t for t in teachers if t.is_new(ctx.today)] or teachers[-5:]
    experienced = sorted(teachers, key=lambda t: t.teaching_since)[:12]
    chinese = next((g for g in groups if g.subject == "语文"), groups[0])
    cn = members[chinese.pk]
    cn_leader = leaders.get(chinese.pk) or cn[0]
    persona_teacher = ctx.personas.get("teacher")
    persona_teacher = getattr(persona_teacher, "teacher", None) if persona_teacher else None
    if persona_teacher is None or persona_teacher.school_id != school.pk:
        persona_teacher = next((t for t in young if t.subject == "语文"), young[0])

    def school_event(week, weekday, period, **kw):
        day = m.day(week, weekday) or m.day(week + 1, weekday)
        return m.add(day=day, period=period, **kw) if day else None

    school_event(
        1,
        2,
        7,
        kind="study",
        title="制定校本研修计划，学习“生本课堂”教学理论",
        place="学校会议室",
        host=dean,
        recorder=by_no[3],
        people=everyone,
    )
    school_event(
        3, 2, 7, kind="seminar", title="主题教研：“双减”背景下的作业设计", place="学校会议室", host=dean, recorder=by_no[4], people=everyone
    )
    school_event(
        6,
        2,
        7,
        kind="lecture",
        title=f"{principal.name[0]}校长“建构理论”讲座",
        place="学校报告厅",
        host=principal,
        recorder=dean,
        people=everyone,
    )
    school_event(
        10, 2, 7, kind="lecture", title="“生本课堂”教学理论讲座", place="学校报告厅", host=experienced[2], recorder=dean, people=everyone
    )
    school_event(
        13, 2, 7, kind="reading", title="教师读书汇报会：《给教师的建议》", place="图书室", host=dean, recorder=by_no[5], people=everyone
    )
    school_event(
        9,
        3,
        5,
        kind="online",
        title="网络研修：省“之江汇”教育广场直播课观摩",
        place="电子阅览室",
        host=dean,
        recorder=by_no[6],
        people=young,
    )
    school_event(
        16, 2, 7, kind="competition", title="优秀教学案例评比", place="学校会议室", host=dean, recorder=by_no[4], people=experienced[:6]
    )
    school_event(19, 2, 7, kind="seminar", title="校本教研工作总结", place="学校会议室", host=principal, recorder=dean, people=everyone)

    # 公开课 of several kinds; titles carry the lesson in 《》 (observations link to them).
    for lesson_i, (week, kind_, teacher_pool, period) in enumerate((
        (4, "demo", experienced, 3), (7, "contest", young, 5), (8, "contest", young, 6), (11, "report", young, 3),
        (12, "research", cn, 6), (14, "showcase", experienced, 5), (15, "research", teachers, 3), (17, "report", young, 6),
    )):  # fmt: skip
        t = teacher_pool[lesson_i % len(teacher_pool)]
        lesson = LESSONS.get(t.subject, LESSONS["语文"])[lesson_i % 4]
        label = {"demo": "骨干教师示范课", "contest": "校级青年教师评优课", "report": "汇报课", "research": "研讨课", "showcase": "展示课"}[
            kind_
        ]
        group = next((g for g in groups if t in members[g.pk]), None)
        school_event(
            week, 1 + lesson_i % 3, period, kind="open_lesson", lesson_kind=kind_, title=f"{label}《{lesson}》", place="录播教室",
            host=t, recorder=rng.choice(experienced), people=members[group.pk] if group else young, group=group,
        )  # fmt: skip

    # 外出学习 (week 8) with its 汇报 owed within two weeks: one teacher reported, one is late.
    trip_people = [persona_teacher, next(t for t in experienced if t.pk != persona_teacher.pk)]
    trip = school_event(8, 1, 1, kind="outside", title="赴杭州参加浙江省小学课堂教学观摩活动", place="杭州", host=trip_people[1], recorder=trip_people[0], people=trip_people)  # fmt: skip
    if trip is not None:
        school_event(
            10, 3, 7, kind="lecture", title="外出学习汇报：省课堂教学观摩的收获", place="学校会议室", host=trip_people[1], recorder=dean,
            people=cn or everyone, report_for=trip,
        )  # fmt: skip

    # 一课多研: one young 语文 teacher teaches 《秋天的雨》 three times; 同课异构 next month.
    study_teacher = next((t for t in cn if t.is_new(ctx.today) and t.pk != persona_teacher.pk), persona_teacher)
    rounds = []
    for week, note in ((9, "初次试教"), (10, "根据研讨调整导入和朗读指导"), (11, "优化小练笔环节")):
        a = school_event(
            week, 3, 3, kind="lesson_study", lesson_kind="research", title=f"一课多研·第{len(rounds) + 1}轮《秋天的雨》", place="录播教室",
            host=study_teacher, recorder=cn_leader, people=cn, group=chinese,
        )  # fmt: skip
        if a:
            rounds.append((a, note))
    same = []
    for i, t in enumerate([cn_leader, persona_teacher]):
        a = school_event(14, 3, 3 + i * 2, kind="same_topic", lesson_kind="research", title="同课异构《富饶的西沙群岛》", place="录播教室", host=t, recorder=dean, people=cn, group=chinese)  # fmt: skip
        if a:
            same.append((a, ""))

    _save(m, school)
    from . import services_prep as preps

    for title, kind, items, goal in (
        ("《秋天的雨》一课多研", "multi_round", rounds, "聚焦“朗读与表达”，每轮课后评课、改进再上。"),
        ("《富饶的西沙群岛》同课异构", "same_topic", same, "同一课题，两位教师各自设计、先后执教，课后对比研讨。"),
    ):
        lead = scope_for(cn_leader.user)
        series = preps.series_create(actor=lead, school=school, term=term, group=chinese, kind=kind, title=title, goal=goal)
        for a, note in items:
            preps.round_add(actor=lead, series=series, activity=a, teacher=a.host, note=note)
    _preps(m, chinese, cn, cn_leader, persona_teacher)


def _save(m: _Maker, school) -> None:
    """Write the activities in bulk, then each one's sign-in sheet through the attendance service
    (which credits the 学时 of the recorded ones) and its minutes through the minutes service,
    written by the 记录人 when the activity ended (time-machine)."""
    from .services import minutes_save
    from .services_bulk import AttendanceRow, attendance_record_many

    rng = m.rng
    created = Activity.objects.bulk_create(m.activities)
    for report, trip in m.links:
        report.report_for_id = trip.pk
    Activity.objects.bulk_update([r for r, _ in m.links], ["report_for"])
    for a in created:
        past = a.status in ("held", "recorded", "archived")
        rows = []
        for tid, role in m.people[id(a)]:
            status = "invited"
            if past:
                r = rng.random()
                status = "present" if role != "participant" or r < 0.9 else ("leave" if r < 0.96 else "absent")
            signed_in_at = a.starts_at - dt.timedelta(minutes=rng.randint(0, 8)) if status == "present" else None
            rows.append(AttendanceRow(teacher_id=tid, role=role, status=status, signed_in_at=signed_in_at))
        body = ""
        if a.status == "recorded":
            text = MINUTES.get(a.kind, MINUTES["seminar"])
            body = "".join(f"<p>{p}</p>" for p in text(a, rng))
        attendance_record_many(actor=SYSTEM, activity=a, rows=rows)
        if body:
            with time_machine.travel(a.ends_at, tick=False):
                minutes_save(actor=scope_for(a.recorder.user) if a.recorder else SYSTEM, activity=a, html=body, expected_version=0)


def _preps(m: _Maker, chinese, cn, leader, persona_teacher) -> None:
    """集体备课 of the 语文组: drafts, personal revisions and 教后反思 on past weeks — written
    through the services the 备课 pages use, each on the day it was written (time-machine)."""
    from xiaoben.core.services import comment_add

    from . import services_prep as preps

    rng = m.rng
    past = [a for a in m.activities if a.kind == "lesson_prep" and a.group_id == chinese.pk and a.status in ("recorded", "held")]
    coming = [a for a in m.activities if a.kind == "lesson_prep" and a.group_id == chinese.pk and a.status == "published"]
    picks = past[-3:] + coming[:1]
    for i, a in enumerate(picks):
        lead = persona_teacher if i == len(picks) - 1 else rng.choice([t for t in cn if t.pk != leader.pk] or cn)
        topic = a.title.split("：", 1)[-1]
        draft = PLAN_DRAFT.format(topic=topic)
        posted = a.starts_at - dt.timedelta(days=3)
        with time_machine.travel(posted, tick=False):
            prep = preps.prep_create(
                actor=scope_for(lead.user), school=m.school, term=m.term, title=topic, lead=lead, group=chinese, activity=a, body=draft
            )
        v0 = prep.versions.get()
        if a.status == "published":
            continue
        for n, (t, text) in enumerate(zip(rng.sample(cn, min(3, len(cn))), COMMENTS, strict=False)):
            with time_machine.travel(posted + dt.timedelta(hours=n + 2), tick=False):
                comment_add(author=t.user, target=prep, body=text)
        others = rng.sample([t for t in cn if t.pk != lead.pk], min(3, len(cn) - 1))
        if persona_teacher.pk != lead.pk and persona_teacher not in others:
            others[0] = persona_teacher
        for t in others:
            body = draft.replace("认识本课生字", "认识本课生字，重点指导易错字的书写").replace("小组合作", "同桌互读后小组合作")
            if rng.random() < 0.5:
                body += "\n五、个性化补充\n结合本班学生朗读基础薄弱的情况，增加范读与分角色朗读。"
            reflection = rng.choice(REFLECTIONS) if a.status == "recorded" else ""
            with time_machine.travel(a.starts_at - dt.timedelta(hours=rng.randint(2, 40)), tick=False):
                personal = preps.version_add(actor=scope_for(t.user), prep=prep, body=body, note="根据本班学情修改", based_on=v0)
            if reflection:
                with time_machine.travel(a.ends_at, tick=False):
                    preps.version_reflect(actor=scope_for(t.user), version=personal, text=reflection)
