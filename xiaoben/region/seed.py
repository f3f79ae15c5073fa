"""Demo 区域教研: a 联片教研 across two schools with attendance, minutes and 区域 学时;
two 视导 visits — one closed with the school's 整改反馈, one waiting for it; four district
requirements (one taken over by the schools' own stricter 听课 quota); the alliances'
lead schools and an alliance activity; a 语文教研员 (`jyy-yw`) who sees 语文 first."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xiaoben.core.scope import SYSTEM, scope_for

from . import services

AFTER: tuple[str, ...] = ("activities", "requirements")  # seeds whose records this one reads


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(ctx) -> None:
    from xiaoben.activities import services as acts
    from xiaoben.activities.models import Attendance, AttendanceRole, AttendanceStatus

    researcher = ctx.personas.get("researcher")
    if researcher is None or len(ctx.schools) < 2:
        return
    actor = scope_for(researcher)
    a, b = ctx.schools[0], ctx.schools[1]
    ta, tb = ctx.teachers[a.pk], ctx.teachers[b.pk]

    # A 联片教研 two weeks ago: teachers of two schools, recorded, 学时 credited.
    day = ctx.today - dt.timedelta(days=14)
    act = acts.activity_create(
        actor=actor,
        region=ctx.region,
        kind="regional",
        title="南湖区小学语文联片教研：大单元教学设计",
        starts_at=_at(day, 13),
        ends_at=_at(day, 16),
        place=f"{a.short_name or a.name}报告厅",
        host=ta[0],
        recorder=tb[0],
        description="一、大单元教学设计课例展示；二、分组研讨；三、区教研员点评。",
    )
    invited = ta[:6] + tb[:6]
    acts.activity_invite(actor=actor, activity=act, group_ids=[], teacher_ids=[t.pk for t in invited], notify=False)
    Attendance.objects.filter(activity=act, teacher=ta[0]).update(role=AttendanceRole.HOST)
    Attendance.objects.filter(activity=act, teacher_id__in=[t.pk for t in invited[:-2]]).update(
        status=AttendanceStatus.PRESENT, signed_in_at=_at(day, 13)
    )
    Attendance.objects.filter(activity=act, teacher_id__in=[t.pk for t in invited[-2:]]).update(status=AttendanceStatus.ABSENT)
    acts.activity_publish(actor=actor, activity=act)
    acts.activity_mark_held(actor=actor, activity=act)
    acts.minutes_save(
        actor=actor,
        activity=act,
        html="<p>两校教师围绕大单元教学设计展开研讨，形成单元整体设计模板一份。</p>",
        expected_version=0,
        finish=True,
    )
    acts.activity_record(actor=actor, activity=act)  # credits 区域 学时 to each teacher's own school

    # An upcoming 区域 activity (sign-in by QR on the day).
    acts.activity_create(
        actor=actor,
        region=ctx.region,
        kind="regional",
        title="南湖区小学数学联片教研：作业设计与评价",
        starts_at=_at(ctx.today + dt.timedelta(days=7), 13),
        ends_at=_at(ctx.today + dt.timedelta(days=7), 16),
        place=f"{b.short_name or b.name}多功能厅",
        host=tb[1],
        recorder=ta[1],
    )

    # Region-wide requirements every school adopts (schools may raise them, never lower them).
    # 听课 ≥ 15: every school already asks 20 (二中 15) of its own — that stricter (or equal)
    # requirement becomes the school's copy, not a second one. The 公开课 and 资源共享 ones
    # tell the schools apart (some meet them, others are behind).
    from xiaoben.requirements.services import region_requirement_save

    plan = "南湖区统一要求（区域推进校本研修实施方案）。"
    for order, (name, metric, threshold, filters) in enumerate(
        [
            ("每学期参加区域及校级教研活动不少于8次", "activities.attended", 8, {}),
            ("每学期听课不少于15节", "observations.given", 15, {}),
            ("每学期观摩公开课、研究课不少于3节", "activities.attended", 3, {"kinds": ["open_lesson"]}),
            ("每学期共享教学资源不少于1份", "resources.shared", 1, {}),
        ],
        start=90,
    ):
        # the 教研员's own page: saved as the district's template and copied into every school
        region_requirement_save(
            actor=actor,
            region=ctx.region,
            name=name,
            description=plan,
            metric=metric,
            period="term",
            threshold=threshold,
            filters=filters,
            order=order,
        )

    # 视导: one closed with feedback, one open.
    v1 = services.visit_create(
        actor=actor,
        school=a,
        visited_on=ctx.today - dt.timedelta(days=30),
        focus="校本研修制度落实与集体备课质量",
        documents_checked="学校校本研修计划、各教研组活动记录、教师听课记录本、反思与读书笔记",
        findings="教研组活动按周开展，记录完整；部分备课组二次备课流于形式，个人修改痕迹少；青年教师听课数量达标但评课意见较笼统。",
        suggestions="1. 集体备课后留存个人二次备课稿；\n2. 听课评课使用学校评价表，评课意见写明一条优点和一条改进建议；\n3. 教研组长每月抽查并反馈。",
    )
    services.visit_lesson_add(
        actor=actor,
        visit=v1,
        teacher=ta[4],
        lesson_title="秋天的雨（第二课时）",
        period=2,
        comment="朗读指导层次清楚，学生参与度高；小练笔时间略紧，可压缩导入。",
    )
    services.visit_respond(
        actor=scope_for(_admin_of(a)),
        visit=v1,
        expected_version=v1.version,
        response="已组织各备课组补交二次备课稿并纳入月查；教导处下发评课意见模板，11月起每月抽查两次。",
    )
    services.visit_close(actor=actor, visit=v1)
    v2 = services.visit_create(
        actor=actor,
        school=b,
        visited_on=ctx.today - dt.timedelta(days=3),
        focus="“双减”背景下作业设计",
        documents_checked="各年级作业公示表、作业设计案例集",
        findings="作业总量控制较好，分层作业设计案例较少。",
        suggestions="各学科每单元至少设计一份分层作业并在教研组内交流。",
    )
    services.visit_lesson_add(
        actor=actor,
        visit=v2,
        teacher=tb[3],
        lesson_title="单元作业讲评课",
        period=3,
        comment="作业讲评有梯度，分层练习设计清楚，建议增加开放题。",
    )
    _alliances(ctx, researcher)


def _alliances(ctx, researcher) -> None:
    """Each demo alliance led by its first school; the 城东 alliance's lead school runs a 联盟 activity."""
    from xiaoben.core.models import User
    from xiaoben.org.models import Region, School
    from xiaoben.org.services import role_assign

    from .models import Alliance

    for alliance in Region.objects.filter(kind="alliance", parent=ctx.region).order_by("pk"):
        members = list(School.objects.filter(alliances=alliance).order_by("pk"))
        if not members:
            continue
        services.alliance_update(
            actor=scope_for(researcher),
            alliance=alliance,
            lead_school=members[0],
            description=f"{members[0].short_name or members[0].name}牵头，成员校轮流承办联片教研，共享优质课例与作业设计。",
        )
        if len(members) > 1 and Alliance.objects.filter(region=alliance).exists():
            lead_admin = _admin_of(members[0])
            ta, tb = ctx.teachers[members[0].pk], ctx.teachers[members[1].pk]
            day = ctx.today + dt.timedelta(days=10)
            services.regional_activity_create(
                actor=scope_for(lead_admin),
                alliance=alliance,
                title="整本书阅读教学同课异构",
                starts_at=_at(day, 14),
                ends_at=_at(day, 16),
                place=f"{members[0].short_name or members[0].name}阶梯教室",
                host=ta[2],
                recorder=tb[2],
                teacher_ids=[t.pk for t in ta[2:6] + tb[2:6]],
                description="一、两校教师同课异构；二、联盟教研组评课；三、牵头学校总结。",
            )
    yw = User.objects.create(username="jyy-yw", full_name="林雅琴", password=ctx.password_hash)
    role_assign(actor=SYSTEM, user=yw, role="researcher", region=ctx.region, title="区语文教研员", subjects="语文")


def _admin_of(school):
    from xiaoben.org.models import RoleAssignment

    return RoleAssignment.objects.filter(school=school, role__in=("principal", "school_admin")).select_related("user").first().user
