"""Demo 学时: earlier years of the five-year cycle and this year's online training
(imported from the province's platform, in batches), and training claims in every
state — including one the school sent back with a reason. Activity hours come from
the activities seed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from xiaoben.core import samples
from xiaoben.core.models import Attachment
from xiaoben.org.models import Term

from .importer import fingerprint
from .models import ClaimReview, HourEntry, ImportBatch, TrainingClaim
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


def seed(ctx) -> None:
    today = ctx.today
    seed_targets(ctx)
    terms_by_school = {s.pk: list(Term.objects.filter(school=s)) for s in ctx.schools}
    entries: list[HourEntry] = []
    for school in ctx.schools:
        t = targets_for(school, today.year)
        terms = terms_by_school[school.pk]

        def term_of(day, terms=terms):
            return next((x for x in terms if x.start_date <= day <= x.end_date), None)

        teachers = ctx.teachers[school.pk]
        past = ImportBatch.objects.create(
            school=school, file_name=f"{t.cycle_start}-{today.year - 1}年度学时汇总（省培训管理平台导出）.xlsx"
        )
        now = ImportBatch.objects.create(school=school, file_name=f"{today.year}年网络研修学时（国家智慧教育平台导出）.xlsx")
        counts = {past.pk: [0, Decimal(0)], now.pk: [0, Decimal(0)]}
        for teacher in teachers:
            first = max(t.cycle_start, teacher.teaching_since.year if teacher.teaching_since else t.cycle_start)
            for year in range(first, today.year):
                # most teachers met the yearly target in past years; a few fell short
                goal = ctx.rng.choice([48, 60, 72, 72, 80, 90])
                for title, cat in ctx.rng.sample(PAST_TRAININGS, 3):
                    hours = Decimal(goal // 3 + ctx.rng.choice([-4, 0, 2, 6]))
                    day = dt.date(year, ctx.rng.choice([3, 4, 7, 8, 10, 11]), ctx.rng.randint(1, 28))
                    entries.append(_imported(school, teacher, day, hours, cat, f"{year}年{title}", term_of(day)))
                    counts[past.pk][0] += 1
                    counts[past.pk][1] += hours
            if ctx.rng.random() < 0.8:
                title, hours = ctx.rng.choice(ONLINE_NOW)
                day = dt.date(today.year, 8, ctx.rng.randint(1, 28))
                if day <= today:
                    entries.append(_imported(school, teacher, day, Decimal(hours), "online", title, term_of(day)))
                    counts[now.pk][0] += 1
                    counts[now.pk][1] += hours
        for b in (past, now):
            b.created_count, b.total_hours = counts[b.pk]
            b.save(update_fields=["created_count", "total_hours"])
    HourEntry.objects.bulk_create(entries, batch_size=1000)
    _claims(ctx, terms_by_school)


def _imported(school, teacher, day, hours, cat, title, term) -> HourEntry:
    return HourEntry(
        school=school,
        teacher=teacher,
        term=term,
        date=day,
        hours=hours,
        category=cat,
        source="import",
        source_ref=fingerprint(teacher.staff_no, title, day, hours.quantize(Decimal("0.1")), cat),
        description=title[:200],
    )


def _claims(ctx, terms_by_school) -> None:
    """Claims in every state at the primary school (and a couple elsewhere)."""
    today = ctx.today
    school = ctx.schools[0]
    dean, researcher = ctx.personas["dean"], ctx.personas["researcher"]
    persona = ctx.personas["teacher"].teacher
    others = [t for t in ctx.teachers[school.pk] if t.pk != persona.pk and t.user_id != dean.pk]
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
    ct = ContentType.objects.get_for_model(TrainingClaim)
    terms = terms_by_school[school.pk]
    now = timezone.now()
    reviews, entries, attachments = [], [], []
    for n, (teacher, idx, state) in enumerate(plan):
        kind, title, organiser, days, hours, cat = CLAIMS[idx]
        end = today - dt.timedelta(days=7 + 9 * n)
        start = end - dt.timedelta(days=days - 1)
        status = "approved" if state == "approved" else "rejected" if state.startswith("rejected") else "pending"
        step = "region" if state in ("approved", "pending_region", "rejected_region") else "school"
        reason = ""
        if state == "rejected_school":
            reason = "证书照片模糊，看不清学时数和印章，请重新上传清晰的扫描件。"
        elif state == "rejected_region":
            reason = "该项目已由市平台统一登记学时，请勿重复申报。"
        claim = TrainingClaim.objects.create(
            school=school,
            teacher=teacher,
            kind=kind,
            title=title,
            organiser=organiser,
            start_date=start,
            end_date=end,
            hours=Decimal(hours),
            category=cat,
            status=status,
            step=step,
            chain=["school", "region"],
            reached_region=step == "region",
            reject_reason=reason,
            submitted_at=now - dt.timedelta(days=5 + 9 * n),
            decided_at=None if status == "pending" else now - dt.timedelta(days=2 + 9 * n),
        )
        att = Attachment(
            target_type=ct, target_id=claim.pk, name=f"{teacher.name}_培训证书.pdf", size=len(PDF), kind="pdf", uploaded_by=teacher.user
        )
        att.file.save(f"claim_{claim.pk}.pdf", ContentFile(PDF), save=False)
        attachments.append(att)
        reviews.append(ClaimReview(claim=claim, step="school", decision="submit", reviewer=teacher.user))
        if step == "region":
            reviews.append(ClaimReview(claim=claim, step="school", decision="approve", reviewer=dean, reason="证书齐全"))
        if state == "approved":
            reviews.append(ClaimReview(claim=claim, step="region", decision="approve", reviewer=researcher))
            entries.append(
                HourEntry(
                    school=school,
                    teacher=teacher,
                    term=next((x for x in terms if x.start_date <= end <= x.end_date), None),
                    date=end,
                    hours=Decimal(hours),
                    category=cat,
                    source="claim",
                    source_ref=claim.source_ref,
                    description=f"{claim.get_kind_display()}：{title}"[:200],
                )
            )
        elif state == "rejected_school":
            reviews.append(ClaimReview(claim=claim, step="school", decision="reject", reviewer=dean, reason=reason))
        elif state == "rejected_region":
            reviews.append(ClaimReview(claim=claim, step="region", decision="reject", reviewer=researcher, reason=reason))
    from django.urls import reverse

    from xiaoben.core.notifications import notify

    for claim in TrainingClaim.objects.filter(school=school, status="rejected").select_related("teacher"):
        where = "学校审核" if claim.step == "school" else "区县审核"
        notify(
            "hours.claim_rejected",
            recipients=[claim.teacher.user_id],
            context={"title": claim.title, "step": where, "reason": claim.reject_reason},
            url=reverse("hours:claim_detail", args=[claim.pk]),
            target=claim,
        )
    Attachment.objects.bulk_create(attachments)
    ClaimReview.objects.bulk_create(reviews)
    HourEntry.objects.bulk_create(entries)
