"""Demo 学时: earlier years of the five-year cycle and this year's online training
(imported from the province's platform, in batches), and training claims in every
state — including one the school sent back with a reason. Activity hours come from
the activities seed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from xiaoben.core import samples

from .selectors import DEFAULT_CYCLE_TARGET, DEFAULT_YEAR_TARGET, targets_for
from .services import claim_chain_for, hours_settings_update

PDF = samples.pdf_bytes()
PAST_TRAININGS = [
    ("浙江省中小学教师专业发展培训（90学时）", "central"),
    ("嘉兴市学科骨干教师研修", "region"),
    ("南湖区暑期全员培训", "region"),
    ("浙江省教师教育网络研修", "online"),
    ("国家中小学智慧教育平台寒假研修", "online"),
]
ONLINE_NOW = [("国家中小学智慧教育平台暑期教师研修", 10), ("浙江省教师信息技术应用能力提升工程2.0", 12), ("心理健康教育网络专题培训", 6)]
CLAIMS = [
    # kind, title, organiser, days, hours, category
    ("national", "“国培计划”—小学语文骨干教师示范性培训", "教育部 财政部", 5, 30, "central"),
    ("provincial", "浙江省小学数学教师课堂教学能力提升培训", "浙江省教育厅教研室", 4, 24, "central"),
    ("city", "嘉兴市新课标背景下的大单元教学研修", "嘉兴市教育研究院", 2, 12, "region"),
    ("county", "南湖区班主任工作能力专题培训", "南湖区教师进修学校", 1, 6, "region"),
    ("online", "之江汇教育广场“双减”背景下作业设计网络研修", "浙江省教育技术中心", 10, 15, "online"),
    ("outside", "赴杭州市学军小学跟岗学习", "南湖区教育局", 3, 18, "region"),
]


AFTER: tuple[str, ...] = ("activities",)  # seeds whose records this one reads


def school_actor(ctx, school):
    """Who sets a school's 学时 numbers in the demo: one of its admins (the 教导主任 of the
    first school), else the platform admin."""
    from xiaoben.core.scope import build_scope
    from xiaoben.org.models import RoleAssignment

    dean = ctx.personas.get("dean")
    if dean is not None and build_scope(dean).can("hours:approve_school", school.pk):
        return build_scope(dean)
    ra = RoleAssignment.objects.filter(school=school, role__in=["school_admin", "principal"]).select_related("user").first()
    return build_scope(ra.user if ra else ctx.personas["platform_admin"])


def seed_targets(ctx) -> None:
    """Each school's 学时 targets as requirements on `hours.total`, through the settings service."""
    for school in ctx.schools:
        hours_settings_update(
            actor=school_actor(ctx, school),
            school=school,
            year_target=DEFAULT_YEAR_TARGET,
            cycle_target=DEFAULT_CYCLE_TARGET,
            cycle_start_year=int(school.setting("hours_cycle_start_year", 2022) or 2022),
            chain=claim_chain_for(school),
        )
        school.refresh_from_db()


HEADER = ("工号", "姓名", "培训名称", "类别", "学时", "日期")


def seed(ctx) -> None:
    """The platform exports are imported through the import service (the rows of the sheet a
    school admin would upload), two files per school."""
    from xiaoben.core.scope import SYSTEM

    from .importer import hours_import_rows

    today = ctx.today
    seed_targets(ctx)
    for school in ctx.schools:
        t = targets_for(school, today.year)
        past: list[tuple] = [HEADER]
        now: list[tuple] = [HEADER]
        for teacher in ctx.teachers[school.pk]:
            first = max(t.cycle_start, teacher.teaching_since.year if teacher.teaching_since else t.cycle_start)
            for year in range(first, today.year):
                # most teachers met the yearly target in past years; a few fell short
                goal = ctx.rng.choice([48, 60, 72, 72, 80, 90])
                for title, cat in ctx.rng.sample(PAST_TRAININGS, 3):
                    hours = Decimal(goal // 3 + ctx.rng.choice([-4, 0, 2, 6]))
                    day = dt.date(year, ctx.rng.choice([3, 4, 7, 8, 10, 11]), ctx.rng.randint(1, 28))
                    past.append((teacher.staff_no, teacher.name, f"{year}年{title}", cat, hours, day))
            if ctx.rng.random() < 0.8:
                title, hours = ctx.rng.choice(ONLINE_NOW)
                day = dt.date(today.year, 8, ctx.rng.randint(1, 28))
                if day <= today:
                    now.append((teacher.staff_no, teacher.name, title, "online", Decimal(hours), day))
        for rows, name in (
            (past, f"{t.cycle_start}-{today.year - 1}年度学时汇总（省培训管理平台导出）.xlsx"),
            (now, f"{today.year}年网络研修学时（国家智慧教育平台导出）.xlsx"),
        ):
            if len(rows) == 1:  # nothing in the export yet (before August): no file to import
                continue
            result = hours_import_rows(actor=SYSTEM, school=school, rows=rows, file_name=name)
            if result.errors:
                raise ValueError(f"{school}: {'; '.join(map(str, result.errors[:3]))}")
    _claims(ctx)


def _claims(ctx) -> None:
    """Claims in every state at the primary school (and a couple elsewhere), each step through
    the claim services on its day (time-machine): the teacher submits with the certificate, the
    教导主任 decides 学校审核, the 教研员 区县审核."""
    import time_machine
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoben.core.scope import scope_for

    from .services import claim_approve, claim_reject, claim_submit

    today = ctx.today
    school = ctx.schools[0]
    dean, researcher = scope_for(ctx.personas["dean"]), scope_for(ctx.personas["researcher"])
    persona = ctx.personas["teacher"].teacher
    others = [t for t in ctx.teachers[school.pk] if t.pk != persona.pk and t.user_id != dean.user_id]
    rng = ctx.rng
    plan = [
        (persona, 4, "rejected_school"),
        (persona, 2, "approved"),
        (persona, 0, "pending_school"),
        *[
            (t, i % len(CLAIMS), state)
            for i, (t, state) in enumerate(
                zip(
                    rng.sample(others, 9),
                    ["approved"] * 4 + ["pending_school"] * 2 + ["pending_region"] * 2 + ["rejected_region"],
                    strict=True,
                )
            )
        ],
    ]
    now = timezone.now()
    for n, (teacher, idx, state) in enumerate(plan):
        kind, title, organiser, days, hours, cat = CLAIMS[idx]
        end = today - dt.timedelta(days=7 + 9 * n)
        start = end - dt.timedelta(days=days - 1)
        submitted, decided = now - dt.timedelta(days=5 + 9 * n), now - dt.timedelta(days=2 + 9 * n)
        certificate = SimpleUploadedFile(f"{teacher.name}_培训证书.pdf", PDF, content_type="application/pdf")
        with time_machine.travel(submitted, tick=False):
            claim = claim_submit(
                actor=scope_for(teacher.user), title=title, organiser=organiser, kind=kind, category=cat,
                start_date=start, end_date=end, hours=Decimal(hours), certificate=certificate,
            )  # fmt: skip
        if state == "rejected_school":
            with time_machine.travel(decided, tick=False):
                claim_reject(actor=dean, claim=claim, reason="证书照片模糊，看不清学时数和印章，请重新上传清晰的扫描件。")
            continue
        if state == "pending_school":
            continue
        with time_machine.travel(decided - dt.timedelta(days=1), tick=False):
            claim = claim_approve(actor=dean, claim=claim, comment="证书齐全")
        with time_machine.travel(decided, tick=False):
            if state == "approved":
                claim_approve(actor=researcher, claim=claim)
            elif state == "rejected_region":
                claim_reject(actor=researcher, claim=claim, reason="该项目已由市平台统一登记学时，请勿重复申报。")
