"""Demo 课题与成果: in each school a 省级 project at 中期检查, 县级 and 校级 ones at several stages
(one 县级 overdue, one 校级 with its 申报书 in and waiting for the school), a 市级 one 延期 and a
concluded one; a realistic spread of verified, pending and returned achievements over three
years, joint papers, 骨干教师 honours (which reach the profile) and students' prizes."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from xiaoben.activities.models import Activity
from xiaoben.core import samples
from xiaoben.org.models import Teacher, TeacherHonour

from .models import (
    Achievement,
    AchievementCredit,
    AchievementKind,
    AchievementStatus,
    DocKind,
    Level,
    ProjectDocument,
    ProjectMember,
    ProjectStage,
    Rank,
    ResearchProject,
    RewardRule,
    Stage,
)
from .services_achievements import _apply_points, _shares, _term_for, reward_rules_defaults

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


def _project(ctx, school, teachers, spec, guest, today, n=0):
    titles, level, category, issuer, stages, docs, visibility, due = spec
    title = titles[n % len(titles)]
    rng = ctx.rng
    leader = rng.choice(teachers[2:12])
    started = today - dt.timedelta(days=stages[0][1])
    p = ResearchProject.objects.create(
        school=school,
        title=title,
        level=level,
        category=category,
        issuer=issuer,
        number=f"{'ZJ' if level == Level.PROVINCE else 'JX' if level == Level.CITY else 'NH' if level == Level.COUNTY else 'XJ'}{started.year}-{rng.randint(10, 299):03d}"
        if len(stages) > 1
        else "",
        leader=leader,
        stage=stages[-1][0],
        stage_due=today + dt.timedelta(days=due) if due is not None else None,
        start_date=today - dt.timedelta(days=stages[1][1]) if len(stages) > 1 else None,
        end_date=started + dt.timedelta(days=365 * 2),
        visibility=visibility,
        summary="针对教学中的真实问题，在课题组成员的课堂中开展行动研究，每学期组织课题研讨活动，形成案例与论文。",
    )
    members = rng.sample([t for t in teachers[2:30] if t.pk != leader.pk], 4)
    ProjectMember.objects.bulk_create(
        [ProjectMember(project=p, teacher=t, role=rng.choice(["资料收集", "课例研究", "问卷调查", ""])) for t in members]
    )
    if guest is not None and level in (Level.PROVINCE, Level.CITY):
        ProjectMember.objects.create(project=p, teacher=guest, role="外校成员")
    for i, (st, ago) in enumerate(stages):
        day = today - dt.timedelta(days=ago)
        decision = (
            f"{issuer[:6]}〔{day.year}〕{rng.randint(3, 40)}号" if level != Level.SCHOOL and st in (Stage.APPROVED, Stage.CONCLUDED) else ""
        )
        nxt_due = today - dt.timedelta(days=stages[i + 1][1]) if i + 1 < len(stages) else (p.stage_due)
        ProjectStage.objects.create(
            project=p,
            stage=st,
            entered_on=day,
            due_on=nxt_due,
            decision=decision,
            note="延期半年：疫情后补充课堂数据" if st == Stage.EXTENDED else "",
        )
    stage_of_doc = {
        DocKind.APPLICATION: Stage.APPLIED,
        DocKind.APPROVAL: Stage.APPLIED,
        DocKind.OPENING: Stage.APPROVED,
        DocKind.MIDTERM: Stage.OPENED,
        DocKind.FINAL: Stage.MIDTERM,
        DocKind.OUTCOME: Stage.MIDTERM,
        DocKind.CERTIFICATE: Stage.MIDTERM,
        DocKind.EXTENSION: Stage.MIDTERM,
    }
    for k in docs:
        name = f"{title[:12]}_{DocKind(k).label}.pdf"
        d = ProjectDocument(project=p, stage=stage_of_doc[k], kind=k, name=name, size=len(PDF), file_kind="pdf", uploaded_by=leader.user)
        d.file.save(name, ContentFile(PDF), save=False)
        d.save()
        # Uploaded while the project was in that stage (a week before the next one began), not on
        # the day the demo was built.
        entered = [(st, today - dt.timedelta(days=ago)) for st, ago in stages]
        i = next((j for j, (st, _day) in enumerate(entered) if st == d.stage), None)
        uploaded = None
        if i is not None:
            uploaded = entered[i][1] + dt.timedelta(days=3)
            if i + 1 < len(entered) and entered[i + 1][1] - dt.timedelta(days=7) > uploaded:
                uploaded = entered[i + 1][1] - dt.timedelta(days=7)
        if uploaded is not None:
            ProjectDocument.objects.filter(pk=d.pk).update(created_at=timezone.make_aware(dt.datetime.combine(uploaded, dt.time(15, 0))))
    return p


def seed(ctx) -> None:
    today, rng = ctx.today, ctx.rng
    persona_teacher = ctx.personas["teacher"].teacher
    for n, school in enumerate(ctx.schools):
        teachers = list(ctx.teachers[school.pk])
        admin_user = teachers[1].user if n else ctx.personas["dean"]
        reward_rules_defaults(school=school)
        rules = list(RewardRule.objects.filter(school=school))
        other = ctx.schools[(n + 1) % len(ctx.schools)]
        guest = next((t for t in ctx.teachers[other.pk][5:] if other.region_id == school.region_id), None)
        projects = [_project(ctx, school, teachers, spec, guest, today, n) for spec in PROJECTS]
        if n == 0:  # the persona teacher is in the 省级 project's group
            ProjectMember.objects.get_or_create(project=projects[0], teacher=persona_teacher, defaults={"role": "课例研究"})
        # 课题研讨: a few of the school's 主题教研 activities belong to the 省级 project.
        acts = list(Activity.objects.filter(school=school, kind__in=["seminar", "lesson_study", "same_topic"]).order_by("starts_at")[:3])
        if not acts:
            acts = list(Activity.objects.filter(school=school).order_by("starts_at")[:2])
        Activity.objects.filter(pk__in=[a.pk for a in acts]).update(project=projects[0])

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
            a = Achievement(
                school=school,
                term=_term_for(school.pk, day),
                kind=kind,
                title=title,
                level=level,
                rank=rank,
                issuer=issuer,
                date=day,
                honour_kind="backbone" if kind == AchievementKind.HONOUR else "",
                students=rng.choice(STUDENTS) if kind == AchievementKind.STUDENT_AWARD else "",
                project=projects[2] if kind == AchievementKind.PROJECT_AWARD else None,
                status=status,
                return_reason=rng.choice(RETURN_REASONS) if status == AchievementStatus.RETURNED else "",
                submitted_by=people[0].user,
                verified_by=admin_user if status == AchievementStatus.VERIFIED else None,
                evidence_name=f"{title[:16]}_证书.pdf",
                evidence_kind="pdf",
            )
            a.evidence.save(a.evidence_name, ContentFile(PDF), save=False)
            a.save()
            AchievementCredit.objects.bulk_create(
                [
                    AchievementCredit(achievement=a, teacher=p, share=s, order=j)
                    for j, (p, s) in enumerate(zip(people, _shares(len(people), None), strict=True), 1)
                ]
            )
            if status == AchievementStatus.VERIFIED:
                _apply_points(a, rules)
                if kind == AchievementKind.HONOUR:
                    for p in people:
                        TeacherHonour.objects.update_or_create(teacher=p, level=level, kind="backbone", defaults={"year": day.year})
    assert Teacher.objects.filter(achievement_credits__isnull=False).exists()
