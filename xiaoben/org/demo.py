"""The demo district: one 区, two 教研联盟, three schools, about 150 teachers.

The 小学 is shaped like the school of seed 000 篇3: 60 专任教师, 35 under 35
(58%), 23 aged 35–50 (38%), 2 over 50 (3%); 本科 36 (60%); 中级职称 13 (22%);
县级学科带头人 1, 县级骨干教师 1, 县级教坛新秀 5."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from xiaoben.core.scope import SYSTEM
from xiaoben.core.seeding import DEMO_PASSWORD, SeedContext

from . import personas as cast
from . import services as org
from .choices import GRADE_NAMES, Education, Stage, Title
from .models import GroupMembership, Region, School, Teacher, TeacherHonour
from .services import name_initials, username_for

User = get_user_model()

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_F = [
    "丽",
    "敏",
    "静",
    "婷",
    "芳",
    "燕",
    "娟",
    "霞",
    "艳",
    "倩",
    "雪",
    "琳",
    "颖",
    "晓燕",
    "海燕",
    "秀英",
    "玉兰",
    "佳怡",
    "思雨",
    "雨欣",
    "梦洁",
    "欣怡",
    "晓静",
    "丽华",
    "春梅",
    "红霞",
    "小红",
    "文静",
    "慧",
    "洁",
    "萍",
    "莉",
    "琴",
    "蓉",
    "露",
    "瑶",
    "晨曦",
    "佳琪",
    "诗涵",
    "梓萱",
]
GIVEN_M = [
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "斌",
    "超",
    "明",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "建国",
    "志强",
    "晓明",
    "海峰",
    "文杰",
    "俊杰",
    "浩然",
    "子轩",
    "宇航",
    "建华",
    "国栋",
    "立新",
    "振华",
    "家豪",
    "博文",
]


def _name(rng: random.Random, gender: str, used: set[str]) -> str:
    for _ in range(200):
        n = rng.choice(SURNAMES) + rng.choice(GIVEN_F if gender == "F" else GIVEN_M)
        if n not in used:
            used.add(n)
            return n
    raise RuntimeError("ran out of names")


def _term_dates(start_year: int, number: int) -> tuple[dt.date, dt.date]:
    if number == 1:
        return dt.date(start_year, 9, 1), dt.date(start_year + 1, 1, 23)
    return dt.date(start_year + 1, 2, 23), dt.date(start_year + 1, 7, 3)


def _holiday_weeks(start: dt.date, end: dt.date, number: int) -> list[int]:
    monday = start - dt.timedelta(days=start.weekday())
    days = [dt.date(start.year, 10, 1)] if number == 1 else [dt.date(end.year, 5, 1), dt.date(end.year, 4, 5)]
    return sorted({(d - monday).days // 7 + 1 for d in days})


def _current_start_year(today: dt.date) -> int:
    return today.year if today.month >= 8 else today.year - 1


# (subject, count) per school; the 小学 matches seed 000 篇3's 60 teachers.
PRIMARY_SUBJECTS: list[tuple[str, int]] = [
    ("语文", 22),
    ("数学", 18),
    ("英语", 7),
    ("科学", 3),
    ("音乐", 2),
    ("美术", 2),
    ("体育", 3),
    ("信息技术", 1),
    ("道德与法治", 2),
]
JUNIOR_SUBJECTS: list[tuple[str, int]] = [
    ("语文", 10),
    ("数学", 10),
    ("英语", 8),
    ("物理", 3),
    ("化学", 2),
    ("生物", 2),
    ("历史", 2),
    ("地理", 2),
    ("道德与法治", 3),
    ("音乐", 1),
    ("美术", 1),
    ("体育", 3),
    ("信息技术", 1),
]
NINE_SUBJECTS: list[tuple[str, int]] = [
    ("语文", 11),
    ("数学", 10),
    ("英语", 6),
    ("科学", 4),
    ("物理", 1),
    ("道德与法治", 2),
    ("音乐", 1),
    ("美术", 1),
    ("体育", 2),
    ("信息技术", 1),
]


@dataclass(frozen=True)
class DemoSchool:
    code: str
    name: str
    short: str
    stage: str
    prefix: str
    subjects: list[tuple[str, int]]
    alliance: int
    cast_key: str = ""  # org/personas.py SchoolSpec.key, when the cast works here


def _from_cast(spec: cast.SchoolSpec, subjects: list[tuple[str, int]], alliance: int) -> DemoSchool:
    return DemoSchool(spec.code, spec.name, spec.short_name, spec.stage, spec.prefix, subjects, alliance, spec.key)


SCHOOLS = [
    _from_cast(cast.SCHOOL, PRIMARY_SUBJECTS, 0),
    _from_cast(cast.OTHER_SCHOOL, JUNIOR_SUBJECTS, 0),
    DemoSchool("NH-FQXX", "南湖区凤桥九年一贯制学校", "凤桥学校", Stage.NINE_YEAR, "J", NINE_SUBJECTS, 1),
]

SUBJECT_GROUPS: dict[str, list[tuple[str, str, list[str]]]] = {
    Stage.PRIMARY: [
        ("语文组", "语文", ["语文"]),
        ("数学组", "数学", ["数学"]),
        ("英语组", "英语", ["英语"]),
        ("综合组", "综合", ["科学", "音乐", "美术", "体育", "信息技术", "道德与法治"]),
    ],
    Stage.JUNIOR: [
        ("语文组", "语文", ["语文"]),
        ("数学组", "数学", ["数学"]),
        ("英语组", "英语", ["英语"]),
        ("理化生组", "科学", ["物理", "化学", "生物"]),
        ("文综组", "文综", ["历史", "地理", "道德与法治"]),
        ("艺体组", "艺体", ["音乐", "美术", "体育", "信息技术"]),
    ],
    Stage.NINE_YEAR: [
        ("语文组", "语文", ["语文"]),
        ("数学组", "数学", ["数学"]),
        ("英语组", "英语", ["英语"]),
        ("综合组", "综合", ["科学", "物理", "道德与法治", "音乐", "美术", "体育", "信息技术"]),
    ],
}


def _ages_primary(rng: random.Random) -> list[int]:
    """35 under 35, 23 aged 35–49, 2 aged 50+ (seed 000 篇3)."""
    ages = [rng.randint(23, 34) for _ in range(35)] + [rng.randint(35, 49) for _ in range(23)] + [rng.randint(50, 56) for _ in range(2)]
    rng.shuffle(ages)
    return ages


def _ages_generic(rng: random.Random, n: int) -> list[int]:
    return [rng.choice([rng.randint(23, 34), rng.randint(35, 49), rng.randint(35, 49), rng.randint(50, 58)]) for _ in range(n)]


def _birth(today: dt.date, age: int, rng: random.Random) -> dt.date:
    # Born `age` years ago, on a day already passed this year, so age() is exact.
    year = today.year - age
    day_of_year = rng.randint(0, max(0, (today - dt.date(today.year, 1, 1)).days - 1))
    return dt.date(year, 1, 1) + dt.timedelta(days=day_of_year)


def build(ctx: SeedContext) -> None:
    today = ctx.today
    ctx.password_hash = make_password(DEMO_PASSWORD)
    province = Region.objects.create(name="浙江省", kind="province", code="33")
    city = Region.objects.create(name="嘉兴市", kind="city", parent=province, code="3304")
    district = Region.objects.create(name=cast.DISTRICT, kind="district", parent=city, code="330402")
    # the cast's second district (its 教研员 jyy2 sees none of 南湖区); no demo schools there
    other_district = Region.objects.create(name=cast.OTHER_DISTRICT, kind="district", parent=city, code="330411")
    alliances = [
        Region.objects.create(name="城东教研联盟", kind="alliance", parent=district),
        Region.objects.create(name="凤桥片教研联盟", kind="alliance", parent=district),
    ]
    ctx.region = district
    used_names: set[str] = set()
    start_year = _current_start_year(today)
    for spec in SCHOOLS:
        school = School.objects.create(name=spec.name, short_name=spec.short, code=spec.code, stage=spec.stage, region=district)
        school.alliances.add(alliances[spec.alliance])
        ctx.schools.append(school)
        _terms(ctx, school, start_year)
        teachers = _teachers(ctx, school, spec, used_names)
        ctx.teachers[school.pk] = teachers
        _groups(ctx, school, spec, teachers)
    _roles(ctx, {"district": district, "other_district": other_district})
    _check_cast(ctx)


def _terms(ctx: SeedContext, school: School, start_year: int) -> None:
    terms = []
    for year in (start_year - 1, start_year):
        for number in (1, 2):
            start, end = _term_dates(year, number)
            terms.append(
                org.term_create(
                    actor=SYSTEM,
                    school=school,
                    start_year=year,
                    number=number,
                    start_date=start,
                    end_date=end,
                    holiday_weeks=_holiday_weeks(start, end, number),
                )
            )
    terms.sort(key=lambda t: t.start_date)
    current = next((t for t in terms if t.start_date <= ctx.today <= t.end_date), None)
    if current is None:
        current = max((t for t in terms if t.start_date <= ctx.today), key=lambda t: t.start_date, default=terms[0])
    ctx.terms[school.pk] = current
    idx = terms.index(current)
    ctx.previous_terms[school.pk] = terms[idx - 1] if idx > 0 else None


def _teachers(ctx: SeedContext, school: School, spec: DemoSchool, used_names: set[str]) -> list[Teacher]:
    rng, today = ctx.rng, ctx.today
    subjects = [s for s, n in spec.subjects for _ in range(n)]
    n = len(subjects)
    primary = spec.stage == Stage.PRIMARY
    ages = _ages_primary(rng) if primary else _ages_generic(rng, n)
    # The principal (工号 001) and the 教导主任/教科室主任 (002) are experienced teachers.
    for pos, idx in enumerate(sorted(range(n), key=lambda i: -ages[i] if ages[i] < 50 else 0)[:2]):
        ages[pos], ages[idx] = ages[idx], ages[pos]
    grades_all = {Stage.PRIMARY: list(range(1, 7)), Stage.JUNIOR: [7, 8, 9], Stage.NINE_YEAR: list(range(1, 10))}[Stage(spec.stage)]
    # Education: the 小学 has exactly 36 本科 (60%).
    if primary:
        edu = [Education.BACHELOR] * 36 + [Education.COLLEGE] * 20 + [Education.MASTER] * 4
    else:
        edu = [rng.choice([Education.BACHELOR] * 7 + [Education.MASTER] * 2 + [Education.COLLEGE]) for _ in range(n)]
    rng.shuffle(edu)
    people = cast.at_school(spec.cast_key) if spec.cast_key else {}
    prep_grades: list[int] = []  # the cast mentor's grade (the mentor's 工号 comes before the teacher's)
    users, teachers = [], []
    for i, (subject, age) in enumerate(zip(subjects, ages, strict=True), start=1):
        staff_no = f"{spec.prefix}{i:03d}"
        gender = "F" if rng.random() < (0.8 if primary else 0.65) else "M"
        name = _name(rng, gender, used_names)
        persona = people.get(staff_no)
        if persona is not None:  # the cast's name (the random one was drawn all the same: same rng)
            name, gender = persona.name, persona.gender
        years = max(0, min(age - 22, 38) - rng.randint(0, 2))
        if age <= 25:
            years = rng.randint(0, 2)
        since = dt.date(today.year - years, 8, 28) if today >= dt.date(today.year, 8, 28) else dt.date(today.year - years - 1, 8, 28)
        user = User(
            username=username_for(school, staff_no),
            full_name=name,
            password=ctx.password_hash,
            phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        )
        users.append(user)
        grade_pool = grades_all
        grades = sorted(rng.sample(grade_pool, k=1 if subject in ("语文", "数学") else min(len(grade_pool), rng.randint(1, 3))))
        if persona is not None:  # hold the cast as declared whatever the rng drew (no rng drawn here)
            if persona.new_teacher and years >= 3:
                since = dt.date(today.year, 8, 28) if today >= dt.date(today.year, 8, 28) else dt.date(today.year - 1, 8, 28)
            if ("语文备课组", "member") in persona.groups and prep_grades:
                grades = prep_grades  # in the 备课组 the cast's mentor leads
            if ("语文备课组", "leader") in persona.groups:
                prep_grades = grades
        teachers.append(
            Teacher(
                school=school,
                staff_no=staff_no,
                name=name,
                name_initials=name_initials(name),
                gender=gender,
                birth_date=_birth(today, age, rng),
                teaching_since=since,
                education=edu[i - 1],
                subject=subject,
                grades=grades,
                classes="、".join(f"{GRADE_NAMES[g][:-2] if g < 10 else GRADE_NAMES[g]}({rng.randint(1, 6)})班" for g in grades[:2]),
                is_head_teacher=subject in ("语文", "数学") and rng.random() < 0.55,
            )
        )
    # Fixture-sized: ~150 accounts through teacher_create would hash ~150 passwords (seconds each
    # batch); the demo shares one precomputed hash, so the rows go in at once.
    User.objects.bulk_create(users)
    for user, t in zip(users, teachers, strict=True):
        t.user = user
    _titles(rng, teachers, primary, today)
    Teacher.objects.bulk_create(teachers)
    _honours(rng, teachers, primary)
    return teachers


def _titles(rng: random.Random, teachers: list[Teacher], primary: bool, today: dt.date) -> None:
    """中级 (一级教师) 13 in the 小学; seniority decides who holds what."""
    # The principal (001) and the 教导主任 (002) hold the senior titles.
    by_years = sorted(teachers, key=lambda t: (t.staff_no[-3:] not in ("001", "002"), t.teaching_since))
    n = len(teachers)
    senior = 2 if primary else max(2, n // 10)
    first = 13 if primary else n // 3
    for idx, t in enumerate(by_years):
        years = t.teaching_years(today) or 0
        if idx < senior:
            t.title = Title.SENIOR
        elif idx < senior + first:
            t.title = Title.FIRST
        elif years >= 1:
            t.title = Title.SECOND
        else:
            t.title = Title.NONE


def _honours(rng: random.Random, teachers: list[Teacher], primary: bool) -> None:
    """县级学科带头人 1, 县级骨干教师 1, 县级教坛新秀 5 in the 小学 (seed 000 篇3)."""
    experienced = [t for t in teachers if t.title in (Title.SENIOR, Title.FIRST)]
    young = [t for t in teachers if t.title in (Title.SECOND,)]
    rows = []
    if primary:
        picks = rng.sample(experienced, 2)
        rows += [
            TeacherHonour(teacher=picks[0], level="county", kind="leader", year=2021),
            TeacherHonour(teacher=picks[1], level="county", kind="backbone", year=2022),
        ]
        rows += [TeacherHonour(teacher=t, level="county", kind="new_star", year=2023) for t in rng.sample(young, 5)]
    else:
        rows += [
            TeacherHonour(teacher=t, level=rng.choice(["city", "county", "county"]), kind=rng.choice(["backbone", "leader"]), year=2022)
            for t in rng.sample(experienced, 3)
        ]
        rows += [TeacherHonour(teacher=t, level="county", kind="new_star", year=2024) for t in rng.sample(young, 2)]
    TeacherHonour.objects.bulk_create(rows)


def _cast_groups(spec: DemoSchool, teachers: list[Teacher]) -> dict[tuple[str, str], list[Teacher]]:
    """(group, role) -> the cast's teachers declared in it at this school."""
    by_no = {t.staff_no: t for t in teachers}
    found: dict[tuple[str, str], list[Teacher]] = {}
    for p in cast.CAST:
        if spec.cast_key and p.school == spec.cast_key:
            for rel in p.groups:
                found.setdefault(rel, []).append(by_no[p.staff_no])
    return found


def _groups(ctx: SeedContext, school: School, spec: DemoSchool, teachers: list[Teacher]) -> None:
    rng = ctx.rng
    declared = _cast_groups(spec, teachers)
    prep_leaders = declared.get(("语文备课组", "leader"), [])
    prep_members = declared.get(("语文备课组", "member"), [])
    for name, subject, subjects in SUBJECT_GROUPS[school.stage]:
        group = org.group_create(actor=SYSTEM, school=school, kind="subject", name=name, subject=subject)
        in_group = [t for t in teachers if t.subject in subjects]
        leader = max(in_group, key=lambda t: (t.title in (Title.SENIOR, Title.FIRST), -(t.teaching_since or dt.date.max).toordinal()))
        leader = next(iter(declared.get((name, "leader"), [])), leader)  # the cast's 组长 when it names one
        org.group_set_members(actor=SYSTEM, group=group, leader_ids=[leader.pk], member_ids=[t.pk for t in in_group])
        if subject in ("语文", "数学", "英语"):
            grades = sorted({g for t in in_group for g in t.grades})
            for g in grades:
                prep_teachers = [t for t in in_group if g in t.grades]
                if len(prep_teachers) < 2:
                    continue
                prep = org.group_create(
                    actor=SYSTEM,
                    school=school,
                    kind="prep",
                    name=f"{GRADE_NAMES[g]}{subject}备课组",
                    parent=group,
                    subject=subject,
                    grade=g,
                )
                prep_leader = rng.choice([t for t in prep_teachers if t is not leader] or prep_teachers)
                if subject == "语文" and prep_leaders and all(t in prep_teachers for t in prep_leaders + prep_members):
                    prep_leader = prep_leaders[0]  # the cast's mentor leads the cast's teacher's 备课组
                org.group_set_members(actor=SYSTEM, group=prep, leader_ids=[prep_leader.pk], member_ids=[t.pk for t in prep_teachers])
    studio_members = rng.sample([t for t in teachers if t.subject == "语文"], 5)
    studio = org.group_create(actor=SYSTEM, school=school, kind="studio", name=f"{studio_members[0].name}名师工作室", subject="语文")
    org.group_set_members(actor=SYSTEM, group=studio, leader_ids=[studio_members[0].pk], member_ids=[t.pk for t in studio_members])


def _roles(ctx: SeedContext, districts: dict[str, Region]) -> None:
    """The cast's roles (listed in the README), then each other school's 校长 and 教科室主任."""
    schools = {spec.cast_key: school for spec, school in zip(SCHOOLS, ctx.schools, strict=True) if spec.cast_key}
    by_login = {t.user.username: t for ts in ctx.teachers.values() for t in ts}
    for p in cast.CAST:
        if p.school:
            user = by_login[p.login(schools[p.school].code)].user
        else:
            user = User.objects.create(
                username=p.username,
                full_name=p.name,
                password=ctx.password_hash,
                is_staff=p.role == "platform_admin",
                is_superuser=p.role == "platform_admin",
            )
        if p.role:
            org.role_assign(
                actor=SYSTEM,
                user=user,
                role=p.role,
                school=schools[p.school] if p.school else None,
                region=districts[p.district] if p.district else None,
                title=p.role_title,
            )
        ctx.personas[p.key] = user
    for school in ctx.schools[1:]:
        head, admin = ctx.teachers[school.pk][0], ctx.teachers[school.pk][1]
        org.role_assign(actor=SYSTEM, user=head.user, role="principal", school=school, title="校长")
        org.role_assign(actor=SYSTEM, user=admin.user, role="school_admin", school=school, title="教科室主任")


def _check_cast(ctx: SeedContext) -> None:
    """Fail loudly when the demo no longer holds the cast as declared (README and tests rely on it)."""
    problems = []
    teachers = {t.user.username: t for ts in ctx.teachers.values() for t in ts}
    codes = {spec.cast_key: spec.code for spec in SCHOOLS if spec.cast_key}
    for p in cast.CAST:
        if not p.school:
            continue
        t = teachers.get(p.login(codes[p.school]))
        if t is None or t.name != p.name:
            problems.append(f"{p.key}: no {p.name} at {p.login(codes[p.school])}")
            continue
        if p.new_teacher and not t.is_new(ctx.today):
            problems.append(f"{p.key}: {p.name} should be a new teacher")
        for group, role in p.groups:
            memberships = GroupMembership.objects.filter(teacher=t, role=role, group__school=t.school)
            wanted = (
                memberships.filter(group__kind="prep", group__subject="语文")
                if group == "语文备课组"
                else memberships.filter(group__name=group)
            )
            if not wanted.exists():
                problems.append(f"{p.key}: {p.name} is not {role} of {group}")
    prep = [(p, t) for p in cast.CAST for g, _r in p.groups if g == "语文备课组" for t in [teachers[p.login(codes[p.school])]]]
    shared = (
        set.intersection(
            *(set(GroupMembership.objects.filter(teacher=t, group__kind="prep").values_list("group_id", flat=True)) for _p, t in prep)
        )
        if prep
        else {0}
    )
    if not shared:
        problems.append("the cast's 语文备课组 people share no 备课组")
    if problems:
        raise RuntimeError("demo cast: " + "; ".join(problems))
