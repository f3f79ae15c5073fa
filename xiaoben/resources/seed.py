"""Demo resources: a few hundred across subjects and grades of the demo schools (some shared
to the district, a few waiting for approval), the demo 小学's 示范课《分数的初步认识》 published
from its activity with 教案, minutes and a small lesson video, one finished 晒课 round and one
open. Then the whole search index is built.

The named lessons (the 示范课, 凤桥's 单元检测题, the 《秋天的雨》 ready for the open round) and the
favourites go through the services, as their teachers and admins. The few hundred background
resources are bulk rows (through `resource_create` they cost ~6 s more of `seed_demo`), and so
are the 晒课 rounds: the services would refuse to nominate those background lessons (no video)
and publishing a round records its results as 成果, which the demo does not show."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xiaoben.core.models import Attachment
from xiaoben.core.scope import Scope, scope_for
from xiaoben.core.seeding import SeedContext
from xiaoben.org.choices import GRADE_NAMES

from . import search, services
from .models import (
    CatalogueEntry,
    FileRole,
    Resource,
    ResourceFile,
    RoundStatus,
    ShareState,
    ShowcaseEntry,
    ShowcaseRound,
    ShowcaseScore,
)
from .services_showcase import DEFAULT_LEVELS, DEFAULT_RUBRIC, rank_entries

VIDEO = Path(__file__).resolve().parent / "demo_media" / "fraction-lesson.mp4"

KIND_TITLES = {
    "lesson_plan": ["《{u}》教学设计", "{u} 第一课时教案", "{u} 教学设计（修改稿）"],
    "courseware": ["《{u}》课件", "{u} 新授课课件"],
    "exercise": ["{u} 单元作业设计", "{u} 分层练习", "{u} 单元检测题"],
    "case": ["“{u}”教学案例：从学生的错误出发", "{u} 教学反思与案例"],
    "micro": ["微课：{u} 重难点突破"],
    "video": ["《{u}》课堂实录"],
}
DESCRIPTIONS = [
    "本设计立足学生已有经验，以问题串推进，设计了情境导入、自主探究、合作交流、巩固练习四个环节，重点关注{u}中学生容易混淆的地方。",
    "经备课组集体研讨后修改。教学目标：理解{u}的核心概念；能用所学解决简单的实际问题；在交流中发展表达能力。",
    "作业分基础、提升、拓展三层，控制总量在20分钟以内，配有答案与评价标准，适合{g}使用。",
    "结合课堂观察记录，分析学生在{u}学习中的典型错误，提出改进的教学策略，供同年级老师参考。",
]
KEYWORDS = ["大单元教学", "双减 作业设计", "情境教学", "核心素养", "分层作业", "学习任务单", "课堂评价", "跨学科"]


AFTER: tuple[str, ...] = ("activities", "observations")  # seeds whose records this one reads


def _docx(lines: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pptx(title: str) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
        )
        ns = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        zf.writestr("ppt/presentation.xml", f"<p:presentation {ns}/>")
        zf.writestr("ppt/slides/slide1.xml", f"<p:sld {ns}><a:t>{title}</a:t></p:sld>")
    return buf.getvalue()


def _file(r: Resource, name: str, data: bytes, kind: str, role: str, uploaded_by_id: int, text: str = "") -> ResourceFile:
    return ResourceFile.objects.create(
        resource=r,
        file=ContentFile(data, name=name),
        name=name,
        size=len(data),
        kind=kind,
        role=role,
        uploaded_by_id=uploaded_by_id,
        preview_text=text,
    )


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng
    now = timezone.now()
    units = {}
    if not CatalogueEntry.objects.filter(school=None, region=None).exists():
        # `seed_demo --reset` flushes the tables, and with them the rows migration 0003 wrote.
        from .catalogue_data import builtin_rows

        CatalogueEntry.objects.bulk_create([CatalogueEntry(**row) for row in builtin_rows()])
    for e in CatalogueEntry.objects.filter(school=None, region=None):
        units.setdefault((e.subject, e.grade), []).append(e)
    rows: list[Resource] = []
    for school in ctx.schools:
        teachers = [t for t in ctx.teachers[school.pk] if t.subject and t.grades]
        for t in rng.sample(teachers, min(len(teachers), 45)):
            for _ in range(rng.randint(1, 5)):
                grade = rng.choice(t.grades)
                choices = units.get((t.subject, grade))
                if not choices:
                    continue
                unit = rng.choice(choices)
                kind = rng.choice(["lesson_plan", "lesson_plan", "courseware", "exercise", "exercise", "case", "micro"])
                # Exercises of the 九年一贯制 school's junior grades are shared to the district.
                if school is ctx.schools[-1] and grade >= 7 and t.subject == "数学":
                    kind = "exercise"
                title = rng.choice(KIND_TITLES[kind]).format(u=unit.name)
                roll = rng.random()
                if kind == "exercise" and grade >= 7 and school is ctx.schools[-1]:
                    vis, state = "region", ShareState.APPROVED
                elif roll < 0.10:
                    vis, state = "private", ShareState.NONE
                elif roll < 0.55:
                    vis, state = "school", ShareState.NONE
                elif roll < 0.65:
                    vis, state = "group", ShareState.NONE
                elif roll < 0.90:
                    vis, state = "region", ShareState.APPROVED
                elif roll < 0.95:
                    vis, state = "public", ShareState.APPROVED
                else:
                    vis, state = "region", ShareState.PENDING
                created = now - dt.timedelta(days=rng.randint(1, 300), hours=rng.randint(0, 23))
                rows.append(
                    Resource(
                        school=school,
                        author=t,
                        uploaded_by_id=t.user_id,
                        kind=kind,
                        title=title,
                        description=rng.choice(DESCRIPTIONS).format(u=unit.name, g=GRADE_NAMES[grade]),
                        subject=t.subject,
                        grade=grade,
                        edition=unit.edition,
                        volume=unit.volume,
                        catalogue=unit,
                        unit=unit.name,
                        keywords=" ".join(rng.sample(KEYWORDS, 2)),
                        visibility=vis,
                        group=None,
                        share_state=state,
                        download_count=rng.randint(0, 60) if vis in ("region", "public") else rng.randint(0, 12),
                        view_count=rng.randint(0, 200),
                    )
                )
                rows[-1]._created = created
    Resource.objects.bulk_create(rows, batch_size=500)
    for r in rows:  # auto_now_add ignores the value on insert
        r.created_at = r._created
    Resource.objects.bulk_update(rows, ["created_at"], batch_size=500)
    # Group-shared ones need a group of the author: the author's first group.
    from xiaoben.org.models import GroupMembership

    first_group = {}
    for m in GroupMembership.objects.filter(teacher_id__in={r.author_id for r in rows}).order_by("id"):
        first_group.setdefault(m.teacher_id, m.group_id)
    grouped = [r for r in rows if r.visibility == "group"]
    for r in grouped:
        r.group_id = first_group.get(r.author_id)
        if r.group_id is None:
            r.visibility = "school"
    Resource.objects.bulk_update(grouped, ["group", "visibility"], batch_size=500)
    # A file for every third resource (small .docx or .pptx made here).
    for r in rows[::3]:
        if r.kind == "courseware":
            _file(r, f"{r.title}.pptx", _pptx(r.title), "pptx", FileRole.SLIDES, r.uploaded_by_id, r.title)
        else:
            lines = [r.title, r.description, "一、教学目标", "二、教学重难点", "三、教学过程", "四、作业设计"]
            _file(r, f"{r.title}.docx", _docx(lines), "docx", FileRole.DESIGN, r.uploaded_by_id, "\n".join(lines))
    fav_users = [t.user for t in ctx.teachers[ctx.schools[0].pk][:20]]
    by_pk = {r.pk: r for r in rows}
    favs = {(rng.choice(rows).pk, u.pk) for u in fav_users for _ in range(3)}
    scopes = {u.pk: scope_for(u) for u in fav_users}
    for rid, uid in sorted(favs):
        services.favourite_toggle(actor=scopes[uid], resource=by_pk[rid])

    _junior_exercises(ctx)
    lesson = _fraction_lesson(ctx)
    _showcase(ctx, lesson)
    search.reindex()
    search.discard_pending()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _school_admin(ctx: SeedContext, school_id: int) -> Scope:
    """The school's admin (the demo 小学's persona 教导主任; elsewhere the second teacher, as research's seed)."""
    user = ctx.personas["dean"] if school_id == ctx.schools[0].pk else ctx.teachers[school_id][1].user
    return scope_for(user)


def _junior_exercises(ctx: SeedContext) -> None:
    """凤桥学校 (九年一贯制) shares a 单元检测题 for every unit of 人教版七年级上册数学 with the district:
    the teacher uploads it, the school's admin shares it (an admin's sharing is approved at once)."""
    school = ctx.schools[-1]
    author = next((t for t in ctx.teachers[school.pk] if t.subject == "数学" and any(g >= 7 for g in t.grades or [])), None)
    author = author or next(t for t in ctx.teachers[school.pk] if t.subject == "数学")
    actor, admin = scope_for(author.user), _school_admin(ctx, school.pk)
    for unit in CatalogueEntry.objects.filter(subject="数学", edition="pep", grade=7, volume=1, school=None, region=None).order_by("order"):
        title = f"{unit.name} 单元检测题（A/B卷）"
        lines = [title, "A卷（基础）", "一、选择题", "二、填空题", "三、解答题", "B卷（提升）"]
        r = services.resource_create(
            actor=actor, title=title, kind="exercise", files=[(_upload(f"{title.replace('/', '／')}.docx", _docx(lines)), FileRole.OTHER)],
            description=f"人教版七年级上册“{unit.name}”单元检测，A卷基础、B卷提升，附答案与评分标准，建议用时45分钟。",
            subject="数学", grade=7, edition="pep", volume=1, catalogue=unit, unit=unit.name, keywords="单元检测 分层作业",
        )  # fmt: skip
        services.resource_set_visibility(actor=admin, resource=r, visibility="region")
        Resource.objects.filter(pk=r.pk).update(download_count=ctx.rng.randint(5, 40))  # the district's downloads so far


def _fraction_lesson(ctx: SeedContext) -> Resource:
    """The demo 小学's 骨干教师示范课《分数的初步认识》: an activity with 集体备课 教案, minutes,
    attendance and a video, published as a region-shared resource."""
    from xiaoben.activities.models import Activity, ActivityMinutes, Attendance, LessonPlanVersion, LessonPrep
    from xiaoben.org.models import Group

    from .services_publish import resource_publish_record

    school = ctx.schools[0]
    term = ctx.terms[school.pk]
    math = Group.objects.filter(school=school, kind="subject", subject="数学").first()
    members = list(math.members.all()) if math else ctx.teachers[school.pk][:10]
    host = next((t for t in members if 3 in (t.grades or [])), members[0])
    day = ctx.today - dt.timedelta(days=9)
    while day.weekday() > 4:
        day -= dt.timedelta(days=1)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 50)))
    activity = Activity.objects.create(
        school=school,
        term=term,
        group=math,
        kind="open_lesson",
        lesson_kind="demo",
        title="骨干教师示范课《分数的初步认识》",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=40),
        place="录播教室",
        host=host,
        status="recorded",
        description="人教版三年级上册第八单元。示范“几分之一”的概念建构：分一分、折一折、涂一涂，让学生在操作中理解平均分与分数的关系。课后全组评课。",
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                activity=activity, teacher=t, role="host" if t.pk == host.pk else "participant", status="present" if i % 9 else "leave"
            )
            for i, t in enumerate(members)
        ]
    )
    ActivityMinutes.objects.create(
        activity=activity,
        body=(
            "一、执教老师说课：本课从分月饼的情境引入，让学生经历“平均分—表示—命名”的过程。\n"
            "二、评课：大家认为折纸环节充分，学生能说出“把一张纸平均分成4份，每份是它的四分之一”；"
            "建议在比较几分之一大小时增加直观图示，给学困生更多表达机会。\n"
            "三、改进：下次试教把练习改为分层设计，增加“涂一涂”的反例辨析。"
        ),
        saved_at=starts + dt.timedelta(hours=3),
    )
    prep = LessonPrep.objects.create(
        school=school, term=term, group=math, activity=activity, title="分数的初步认识", subject="数学", grade=3, lead=host
    )
    plan = (
        "课题：分数的初步认识（人教版三年级上册第八单元 第1课时）\n"
        "教学目标：1. 结合具体情境，初步认识几分之一，会读、写几分之一；2. 会比较几分之一的大小；"
        "3. 在折一折、涂一涂的操作中发展数感。\n"
        "教学重点：理解几分之一的含义。教学难点：理解“平均分”是分数产生的前提。\n"
        "教学过程：一、情境导入：分月饼。二、探究新知：认识二分之一、四分之一。三、动手操作：折纸表示几分之一。"
        "四、比较大小：几分之一的大小比较。五、巩固练习（分层）。六、课堂小结。"
    )
    LessonPlanVersion.objects.create(prep=prep, author=host, kind="draft", body=plan)
    LessonPlanVersion.objects.create(prep=prep, author=host, kind="revised", body=plan + "\n（研讨后修改：增加反例辨析）")
    Attachment.objects.create(
        target_type=ContentType.objects.get_for_model(Activity),
        target_id=activity.pk,
        file=ContentFile(VIDEO.read_bytes(), name="分数的初步认识-课堂实录.mp4"),
        name="分数的初步认识-课堂实录.mp4",
        size=VIDEO.stat().st_size,
        kind="video",
        uploaded_by_id=host.user_id,
    )
    from xiaoben.observations.models import Observation

    observers = [t for t in members if t.pk != host.pk][:4]
    for i, t in enumerate(observers):
        Observation.objects.create(
            school=school, term=term, observer=t, teacher=host, lesson_date=day, subject="数学", grade=3, lesson_title="分数的初步认识",
            kind="demo", activity=activity, status="submitted", total=Decimal(str(88 + i * 2)),
            strengths="操作活动充分，学生在折一折中理解了平均分。", suggestions="比较几分之一的大小时可增加直观图示。",
        )  # fmt: skip
    principal = scope_for(ctx.personas["principal"])
    r = resource_publish_record(actor=principal, record=activity, visibility="region")
    unit = CatalogueEntry.objects.filter(subject="数学", edition="pep", grade=3, volume=1, name="分数的初步认识").first()
    Resource.objects.filter(pk=r.pk).update(author=host)  # the 执教 teacher's lesson (no service changes an author)
    r.refresh_from_db()
    r = services.resource_update(
        actor=principal,
        resource=r,
        expected_version=r.version,
        kind="video",
        edition="pep",
        volume=1,
        catalogue=unit,
        unit="分数的初步认识",
        keywords="示范课 几分之一 折纸",
    )
    # The host's own files (a PDF preview of the 教学设计 is made after the seed commits, when LibreOffice is there).
    slides = _upload("分数的初步认识-课件.pptx", _pptx("分数的初步认识 几分之一"))
    services.resource_file_add(actor=principal, resource=r, upload=slides, role=FileRole.SLIDES, user=host.user)
    design = _upload("分数的初步认识-教学设计.docx", _docx(plan.split("\n")))
    services.resource_file_add(actor=principal, resource=r, upload=design, role=FileRole.DESIGN, user=host.user)
    return r


def _showcase(ctx: SeedContext, lesson: Resource) -> None:
    """One finished 数学 round (scored, published with levels) and one open 语文 round."""
    from xiaoben.core.models import User
    from xiaoben.org.models import Teacher

    researcher = ctx.personas["researcher"]
    today = ctx.today

    def most_experienced(subject: str) -> list:
        """One expert per school: its longest-serving teacher of the subject."""
        out = []
        for school in ctx.schools:
            t = Teacher.objects.filter(school=school, subject=subject, is_active=True).order_by("teaching_since", "id").first()
            if t is not None:
                out.append(t)
        return out

    seniors = most_experienced("数学")
    done = ShowcaseRound.objects.create(
        region=ctx.region,
        title=f"{today.year}年南湖区小学数学“优课”晒课",
        subject="数学",
        grades=[1, 2, 3, 4, 5, 6],
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=30),
        scoring_ends_on=today - dt.timedelta(days=15),
        rubric=DEFAULT_RUBRIC,
        levels=DEFAULT_LEVELS,
        status=RoundStatus.PUBLISHED,
        created_by=researcher,
        published_at=timezone.now() - dt.timedelta(days=10),
    )
    experts = [researcher] + [User.objects.get(pk=t.user_id) for t in seniors]
    done.experts.set(experts)
    rng = ctx.rng
    entries = [
        ShowcaseEntry.objects.create(
            round=done,
            school=lesson.school,
            teacher=lesson.author,
            resource=lesson,
            talk="本课以分月饼引入，通过折一折、涂一涂建构“几分之一”的概念，难点是理解平均分。",
            nominated_by=ctx.personas["principal"],
        )
    ]
    math_videos = list(
        Resource.objects.filter(school__in=ctx.schools[1:], subject="数学", grade__lte=6, visibility="region").exclude(pk=lesson.pk)[:3]
    )
    for r in math_videos:
        entries.append(
            ShowcaseEntry.objects.create(
                round=done,
                school=r.school,
                teacher=r.author,
                resource=r,
                talk="说课：教材分析、学情分析、教学目标与过程设计。",
                nominated_by_id=r.uploaded_by_id,
            )
        )
    scores = []
    quality = {e.pk: q for e, q in zip(entries, (0.93, 0.84, 0.8, 0.8), strict=False)}
    for e in entries:
        for ex in experts:
            ex_school = Teacher.objects.filter(user_id=ex.pk).values_list("school_id", flat=True).first()
            if ex_school == e.school_id:
                continue  # nobody scores their own school
            q = quality.get(e.pk, 0.8)
            items = [round(c["max"] * min(1.0, q + rng.uniform(-0.04, 0.04)) * 2) / 2 for c in DEFAULT_RUBRIC]
            scores.append(ShowcaseScore(entry=e, expert=ex, items=items, total=Decimal(str(sum(items)))))
    ShowcaseScore.objects.bulk_create(scores)
    for e in entries:
        totals = [s.total for s in scores if s.entry_id == e.pk]
        e.average = (sum(totals) / len(totals)).quantize(Decimal("0.01")) if totals else None
    rank_entries(entries, done.levels)
    ShowcaseEntry.objects.bulk_update(entries, ["average", "rank", "level"])

    open_round = ShowcaseRound.objects.create(
        region=ctx.region,
        title=f"{today.year}学年南湖区小学语文晒课（第二轮）",
        subject="语文",
        grades=[3, 4, 5, 6],
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=20),
        rubric=DEFAULT_RUBRIC,
        levels=DEFAULT_LEVELS,
        status=RoundStatus.OPEN,
        created_by=researcher,
    )
    # A complete 语文 lesson of the demo 小学, ready for the school to nominate to the open round.
    busy = {ctx.personas["principal"].pk, ctx.personas["dean"].pk}
    cn_teacher = next(t for t in ctx.teachers[lesson.school_id] if t.subject == "语文" and 3 in (t.grades or []) and t.user_id not in busy)
    services.resource_create(
        actor=scope_for(cn_teacher.user), title="《秋天的雨》课堂实录与教学设计", kind="video",
        files=[
            (_upload("秋天的雨-教学设计.docx", _docx(["秋天的雨 教学设计", "教学目标：有感情地朗读课文"])), FileRole.DESIGN),
            (_upload("秋天的雨-课件.pptx", _pptx("秋天的雨")), FileRole.SLIDES),
            (_upload("秋天的雨-课堂实录.mp4", VIDEO.read_bytes()), FileRole.VIDEO),
        ],
        description="统编版三年级上册第二单元。抓住“五彩缤纷”朗读品味，小练笔仿写秋天的颜色。", subject="语文", grade=3,
        edition="tongbian", volume=1, unit="第二单元 金秋时节", keywords="朗读指导 小练笔", visibility="school",
    )  # fmt: skip
    cn_seniors = most_experienced("语文")
    open_round.experts.set([researcher] + [User.objects.get(pk=t.user_id) for t in cn_seniors])
