"""Demo 课题与成果: in each school a 省级 project at 中期检查, 县级 and 校级 ones at several stages
(one 县级 overdue, one 校级 with its 申报书 in and waiting for the school), a 市级 one 延期 and a
concluded one; a realistic spread of verified, pending and returned achievements over three
years, joint papers, 骨干教师 honours (which reach the profile) and students' prizes.

Everything is written through the services, each on the day it happened (time-machine): projects
and their stage moves as the system (the demo names no confirmer), documents by the 主持人,
achievements submitted by their first author and verified or returned by the school's admin."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xiaoben.activities.models import Activity
from xiaoben.core import samples
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.core.seeding import without_notices
from xiaoben.org.models import Teacher

from . import services
from . import services_achievements as ach
from .models import AchievementKind, AchievementStatus, DocKind, Level, ProjectMember, Rank, Stage

PDF = samples.pdf_bytes()

PROJECTS = [
    # titles (one per demo school, so the district does not see one title three times), level, category, issuer,
    # stages [(stage, days ago)], docs, visibility, due in days
    (
        ("“双减”背景下小学语文单元整体作业设计的实践研究", "基于核心素养的初中数学分层作业设计研究", "乡村小学跨学科主题学习的实践研究"),
        Level.PROVINCE,
        "planning",
        "浙江省教育科学规划领导小组办公室",
        [(Stage.APPLIED, 420), (Stage.APPROVED, 360), (Stage.OPENED, 300), (Stage.MIDTERM, 40)],
        [DocKind.APPLICATION, DocKind.APPROVAL, DocKind.OPENING, DocKind.MIDTERM],
        "region",
        230,
    ),
    (
        ("低段数学游戏化学习活动的设计与实施", "初中英语读写结合教学的实践研究", "小学科学探究性作业的设计与评价"),
        Level.COUNTY,
        "teaching",
        "南湖区教育研究培训中心",
        [(Stage.APPLIED, 200), (Stage.APPROVED, 150)],
        [DocKind.APPLICATION, DocKind.APPROVAL],
        "school",
        -20,  # 开题 overdue: the leader is reminded
    ),
    (
        ("基于课堂观察的青年教师提问能力提升研究", "初中物理实验教学中学生提问能力的培养", "农村小学课堂有效提问的策略研究"),
        Level.COUNTY,
        "special",
        "南湖区教育研究培训中心",
        [(Stage.APPLIED, 900), (Stage.APPROVED, 840), (Stage.OPENED, 780), (Stage.MIDTERM, 500), (Stage.CONCLUDED, 120)],
        [DocKind.APPLICATION, DocKind.APPROVAL, DocKind.OPENING, DocKind.MIDTERM, DocKind.FINAL, DocKind.OUTCOME, DocKind.CERTIFICATE],
        "school",
        None,
    ),
    (
        ("小学生整本书阅读习惯养成的行动研究", "初中名著阅读任务单的设计与使用研究", "亲子共读促进低年级阅读习惯的实践研究"),
        Level.CITY,
        "planning",
        "嘉兴市教育科学规划办公室",
        [(Stage.APPLIED, 760), (Stage.APPROVED, 700), (Stage.OPENED, 640), (Stage.MIDTERM, 330), (Stage.EXTENDED, 60)],
        [DocKind.APPLICATION, DocKind.APPROVAL, DocKind.OPENING, DocKind.MIDTERM, DocKind.EXTENSION],
        "school",
        120,
    ),
    (
        ("英语绘本在三年级课堂中的运用", "初二道德与法治课议题式教学的尝试", "小学音乐课堂中的节奏游戏"),
        Level.SCHOOL,
        "small",
        "",
        [(Stage.APPLIED, 100), (Stage.APPROVED, 80), (Stage.OPENED, 30)],
        [DocKind.APPLICATION, DocKind.OPENING],
        "school",
        150,
    ),
    (
        ("课间十分钟游戏与学生情绪管理", "初一新生学习习惯衔接的小策略", "劳动教育与校园种植园的结合"),
        Level.SCHOOL,
        "small",
        "",
        [(Stage.APPLIED, 12)],
        [DocKind.APPLICATION],
        "members",
        20,
    ),
]

ACHIEVEMENTS = [
    # kind, title, level, rank, issuer
    (AchievementKind.PAPER_PUBLISHED, "小学语文作业设计的三个转向", Level.PROVINCE, Rank.NONE, "《小学语文教学》"),
    (AchievementKind.PAPER_PUBLISHED, "让数学思考在游戏中发生", Level.NATIONAL, Rank.NONE, "《小学数学教育》"),
    (AchievementKind.PAPER_AWARD, "低年级识字教学中的游戏化设计", Level.CITY, Rank.FIRST, "嘉兴市教育学会"),
    (AchievementKind.PAPER_AWARD, "单元整体教学视角下的习作指导", Level.COUNTY, Rank.SECOND, "南湖区教育研究培训中心"),
    (AchievementKind.PAPER_AWARD, "小学英语绘本阅读教学策略探析", Level.PROVINCE, Rank.THIRD, "浙江省教育学会"),
    (AchievementKind.LESSON_AWARD, "《秋天的雨》优质课", Level.COUNTY, Rank.FIRST, "南湖区教育局"),
    (AchievementKind.LESSON_AWARD, "“一师一优课”部级优课《分数的初步认识》", Level.NATIONAL, Rank.NONE, "教育部基础教育司"),
    (AchievementKind.LESSON_AWARD, "市优课《认识钟表》", Level.CITY, Rank.NONE, "嘉兴市教育局"),
    (AchievementKind.CONTEST, "青年教师教学基本功比赛", Level.COUNTY, Rank.FIRST, "南湖区教育局"),
    (AchievementKind.CONTEST, "多媒体课件评比", Level.CITY, Rank.SECOND, "嘉兴市电化教育馆"),
    (AchievementKind.CONTEST, "教学设计评比", Level.SCHOOL, Rank.FIRST, "本校教导处"),
    (AchievementKind.PROJECT_AWARD, "区教科研成果奖", Level.COUNTY, Rank.SECOND, "南湖区教育局"),
    (AchievementKind.STUDENT_AWARD, "指导学生获现场作文比赛一等奖", Level.CITY, Rank.FIRST, "嘉兴市教育局"),
    (AchievementKind.STUDENT_AWARD, "指导学生获科技创新大赛二等奖", Level.PROVINCE, Rank.SECOND, "浙江省科学技术协会"),
]
RETURN_REASONS = ["证书照片不清晰，请重新拍摄上传。", "级别填写有误：区级比赛请选“县级”。", "请上传刊物封面和目录页。"]
STUDENTS = ["三(2)班 王小明", "四(1)班 李可、陈一诺", "五(3)班 张子涵"]


AFTER: tuple[str, ...] = ("activities",)  # seeds whose records this one reads

# The stage a document is uploaded in (on the way to the stage that needs it).
STAGE_OF_DOC = {
    DocKind.APPLICATION: Stage.APPLIED,
    DocKind.APPROVAL: Stage.APPLIED,
    DocKind.OPENING: Stage.APPROVED,
    DocKind.MIDTERM: Stage.OPENED,
    DocKind.FINAL: Stage.MIDTERM,
    DocKind.OUTCOME: Stage.MIDTERM,
    DocKind.CERTIFICATE: Stage.MIDTERM,
    DocKind.EXTENSION: Stage.MIDTERM,
}


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _project(ctx, school, teachers, spec, guest, today, n=0, extra_member=None):
    titles, level, category, issuer, stages, docs, visibility, due = spec
    title = titles[n % len(titles)]
    rng = ctx.rng
    leader = rng.choice(teachers[2:12])
    entered = [(st, today - dt.timedelta(days=ago)) for st, ago in stages]
    started = entered[0][1]
    number = (
        f"{'ZJ' if level == Level.PROVINCE else 'JX' if level == Level.CITY else 'NH' if level == Level.COUNTY else 'XJ'}{started.year}-{rng.randint(10, 299):03d}"
        if len(stages) > 1
        else ""
    )
    members = rng.sample([t for t in teachers[2:30] if t.pk != leader.pk], 4)
    roles = [(t, rng.choice(["资料收集", "课例研究", "问卷调查", ""])) for t in members]
    if guest is not None and level in (Level.PROVINCE, Level.CITY):
        roles.append((guest, "外校成员"))
    if extra_member is not None and extra_member[0].pk not in {t.pk for t, _role in roles} and extra_member[0].pk != leader.pk:
        roles.append(extra_member)
    final_due = today + dt.timedelta(days=due) if due is not None else None
    due_after = [entered[i + 1][1] if i + 1 < len(entered) else final_due for i in range(len(entered))]
    with time_machine.travel(_at(started), tick=False):
        p = services.project_create(
            actor=SYSTEM,
            title=title,
            level=level,
            leader=leader,
            number=number,
            category=category,
            issuer=issuer,
            member_ids=[t.pk for t, _role in roles],
            end_date=started + dt.timedelta(days=365 * 2),
            summary="针对教学中的真实问题，在课题组成员的课堂中开展行动研究，每学期组织课题研讨活动，形成案例与论文。",
            visibility=visibility,
            stage_due=due_after[0],
        )
    for t, role in roles:  # 分工 is kept by the admin pages, not by a service
        if role:
            ProjectMember.objects.filter(project=p, teacher=t).update(role=role)
    leader_scope = scope_for(leader.user)
    for i, (st, day) in enumerate(entered):
        if i:
            decision = (
                f"{issuer[:6]}〔{day.year}〕{rng.randint(3, 40)}号"
                if level != Level.SCHOOL and st in (Stage.APPROVED, Stage.CONCLUDED)
                else ""
            )
            with time_machine.travel(_at(day, 10), tick=False):
                services.project_stage_advance(
                    actor=SYSTEM,
                    project=p,
                    to_stage=st,
                    entered_on=day,
                    due_on=due_after[i],
                    decision=decision,
                    note="延期半年：疫情后补充课堂数据" if st == Stage.EXTENDED else "",
                )
            p.refresh_from_db()
        # Documents are uploaded while the project is in their stage (a week before the next one
        # began, at least three days in), not on the day the demo was built.
        uploaded = day + dt.timedelta(days=3)
        if i + 1 < len(entered) and entered[i + 1][1] - dt.timedelta(days=7) > uploaded:
            uploaded = entered[i + 1][1] - dt.timedelta(days=7)
        for k in docs:
            if STAGE_OF_DOC[k] != st:
                continue
            with time_machine.travel(_at(min(uploaded, today), 15), tick=False):
                # a file name has no "/": 结题证书/鉴定意见 is written with a full-width ／
                services.project_document_add(
                    actor=leader_scope, project=p, kind=k, upload=_pdf(f"{title[:12]}_{DocKind(k).label.replace('/', '／')}.pdf")
                )
    return p


def seed(ctx) -> None:
    with without_notices("xiaoben.research"):  # history, not news: the demo's bells are curated
        _seed(ctx)


def _seed(ctx) -> None:
    today, rng = ctx.today, ctx.rng
    persona_teacher = ctx.personas["teacher"].teacher
    for n, school in enumerate(ctx.schools):
        teachers = list(ctx.teachers[school.pk])
        admin_user = teachers[1].user if n else ctx.personas["dean"]
        admin = scope_for(admin_user)
        ach.reward_rules_defaults(school=school)
        other = ctx.schools[(n + 1) % len(ctx.schools)]
        guest = next((t for t in ctx.teachers[other.pk][5:] if other.region_id == school.region_id), None)
        # the persona teacher is in the 省级 project's group
        projects = [
            _project(
                ctx, school, teachers, spec, guest, today, n, extra_member=(persona_teacher, "课例研究") if n == 0 and i == 0 else None
            )
            for i, spec in enumerate(PROJECTS)
        ]
        # 课题研讨: a few of the school's 主题教研 activities belong to the 省级 project.
        acts = list(Activity.objects.filter(school=school, kind__in=["seminar", "lesson_study", "same_topic"]).order_by("starts_at")[:3])
        if not acts:
            acts = list(Activity.objects.filter(school=school).order_by("starts_at")[:2])
        for a in acts:
            services.project_activity_link(actor=SYSTEM, project=projects[0], activity=a)

        # Achievements: about a third of the teachers, over three years.
        made = []
        pool = teachers[2:]
        for t in rng.sample(pool, max(6, len(pool) // 3)):
            for _ in range(rng.choice([1, 1, 2, 3])):
                kind, title, level, rank, issuer = rng.choice(ACHIEVEMENTS)
                day = today - dt.timedelta(days=rng.randint(5, 90) if rng.random() < 0.3 else rng.randint(91, 1000))
                people = [t]
                if kind in (AchievementKind.PAPER_PUBLISHED, AchievementKind.PAPER_AWARD) and rng.random() < 0.3:
                    people.append(rng.choice([x for x in pool if x.pk != t.pk]))
                made.append((people, kind, title, level, rank, issuer, day))
        # Honours: 骨干教师 / 教坛新秀 recognised this year and last.
        for t in rng.sample(pool, 3):
            made.append(
                (
                    [t],
                    AchievementKind.HONOUR,
                    "南湖区骨干教师",
                    Level.COUNTY,
                    Rank.NONE,
                    "南湖区教育局",
                    today - dt.timedelta(days=rng.randint(30, 600)),
                )
            )
        if n == 0:
            made += [
                (
                    [persona_teacher],
                    AchievementKind.LESSON_AWARD,
                    "《秋天的雨》优质课",
                    Level.COUNTY,
                    Rank.FIRST,
                    "南湖区教育局",
                    today - dt.timedelta(days=24),
                ),
                (
                    [persona_teacher],
                    AchievementKind.CONTEST,
                    "青年教师教学基本功比赛",
                    Level.COUNTY,
                    Rank.SECOND,
                    "南湖区教育局",
                    today - dt.timedelta(days=10),
                ),
                (
                    [persona_teacher],
                    AchievementKind.PAPER_AWARD,
                    "低年级识字教学中的游戏化设计",
                    Level.CITY,
                    Rank.THIRD,
                    "嘉兴市教育学会",
                    today - dt.timedelta(days=6),
                ),
            ]
        persona_status = iter([AchievementStatus.VERIFIED, AchievementStatus.RETURNED, AchievementStatus.PENDING])
        for people, kind, title, level, rank, issuer, day in made:
            if n == 0 and people == [persona_teacher]:
                status = next(persona_status, AchievementStatus.VERIFIED)  # the persona may also be drawn at random
            elif day > today - dt.timedelta(days=90) and rng.random() < 0.6:
                # recent ones: most still wait for the 教导处, some were sent back
                status = rng.choice(
                    [AchievementStatus.PENDING, AchievementStatus.PENDING, AchievementStatus.PENDING, AchievementStatus.RETURNED]
                )
            else:
                status = AchievementStatus.VERIFIED
            students = rng.choice(STUDENTS) if kind == AchievementKind.STUDENT_AWARD else ""
            reason = rng.choice(RETURN_REASONS) if status == AchievementStatus.RETURNED else ""
            # submitted two days after the award, looked at by the 教导处 three days later
            submitted = min(day + dt.timedelta(days=2), today)
            with time_machine.travel(_at(submitted, 16), tick=False):
                a = ach.achievement_submit(
                    actor=scope_for(people[0].user),
                    kind=kind,
                    title=title,
                    level=level,
                    rank=rank,
                    issuer=issuer,
                    date=day,
                    evidence=_pdf(f"{title[:16]}_证书.pdf"),
                    teacher_ids=[p.pk for p in people],
                    honour_kind="backbone" if kind == AchievementKind.HONOUR else "",
                    students=students,
                    project=projects[2] if kind == AchievementKind.PROJECT_AWARD else None,
                )
            if status == AchievementStatus.PENDING:
                continue
            with time_machine.travel(_at(min(submitted + dt.timedelta(days=3), today), 11), tick=False):
                if status == AchievementStatus.VERIFIED:
                    ach.achievement_verify(actor=admin, achievement=a)
                else:
                    ach.achievement_return(actor=admin, achievement=a, reason=reason)
    assert Teacher.objects.filter(achievement_credits__isnull=False).exists()
