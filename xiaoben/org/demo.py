"""The demo district: one 区, two 教研联盟, three schools, about 150 teachers.

The 小学 is shaped like the school of seed 000 篇3: 60 专任教师, 35 under 35
(58%), 23 aged 35–50 (38%), 2 over 50 (3%); 本科 36 (60%); 中级职称 13 (22%);
县级学科带头人 1, 县级骨干教师 1, 县级教坛新秀 5."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from xiaoben.core.seeding import DEMO_PASSWORD, SeedContext

from .choices import GRADE_NAMES, Education, Stage, Title
from .models import Group, GroupMembership, Region, RoleAssignment, School, SchoolYear, Teacher, TeacherHonour, Term
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


def _name(rng, gender: str, used: set[str]) -> str:
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
PRIMARY_SUBJECTS = [
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
JUNIOR_SUBJECTS = [
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
NINE_SUBJECTS = [
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

SCHOOLS = [
    {
        "code": "NH-SYXX",
        "name": "南湖区实验小学",
        "short": "实验小学",
        "stage": Stage.PRIMARY,
        "prefix": "X",
        "subjects": PRIMARY_SUBJECTS,
        "alliance": 0,
    },
    {
        "code": "NH-DEZX",
        "name": "南湖区第二初级中学",
        "short": "二中",
        "stage": Stage.JUNIOR,
        "prefix": "C",
        "subjects": JUNIOR_SUBJECTS,
        "alliance": 0,
    },
    {
        "code": "NH-FQXX",
        "name": "南湖区凤桥九年一贯制学校",
        "short": "凤桥学校",
        "stage": Stage.NINE_YEAR,
        "prefix": "J",
        "subjects": NINE_SUBJECTS,
        "alliance": 1,
    },
]

SUBJECT_GROUPS = {
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


def _ages_primary(rng) -> list[int]:
    """35 under 35, 23 aged 35–49, 2 aged 50+ (seed 000 篇3)."""
    ages = [rng.randint(23, 34) for _ in range(35)] + [rng.randint(35, 49) for _ in range(23)] + [rng.randint(50, 56) for _ in range(2)]
    rng.shuffle(ages)
    return ages


def _ages_generic(rng, n: int) -> list[int]:
    return [rng.choice([rng.randint(23, 34), rng.randint(35, 49), rng.randint(35, 49), rng.randint(50, 58)]) for _ in range(n)]


def _birth(today: dt.date, age: int, rng) -> dt.date:
    # Born `age` years ago, on a day already passed this year, so age() is exact.
    year = today.year - age
    day_of_year = rng.randint(0, max(0, (today - dt.date(today.year, 1, 1)).days - 1))
    return dt.date(year, 1, 1) + dt.timedelta(days=day_of_year)


def build(ctx: SeedContext) -> None:
    today = ctx.today
    ctx.password_hash = make_password(DEMO_PASSWORD)
    province = Region.objects.create(name="浙江省", kind="province", code="33")
    city = Region.objects.create(name="嘉兴市", kind="city", parent=province, code="3304")
    district = Region.objects.create(name="南湖区", kind="district", parent=city, code="330402")
    alliances = [
        Region.objects.create(name="城东教研联盟", kind="alliance", parent=district),
        Region.objects.create(name="凤桥片教研联盟", kind="alliance", parent=district),
    ]
    ctx.region = district
    used_names: set[str] = set()
    start_year = _current_start_year(today)
    for spec in SCHOOLS:
        school = School.objects.create(name=spec["name"], short_name=spec["short"], code=spec["code"], stage=spec["stage"], region=district)
        school.alliances.add(alliances[spec["alliance"]])
        ctx.schools.append(school)
        _terms(ctx, school, start_year)
        teachers = _teachers(ctx, school, spec, used_names)
        ctx.teachers[school.pk] = teachers
        _groups(ctx, school, teachers)
    _roles(ctx, district)


def _terms(ctx, school, start_year):
    terms = []
    for year in (start_year - 1, start_year):
        sy = SchoolYear.objects.create(school=school, start_year=year)
        for number in (1, 2):
            start, end = _term_dates(year, number)
            terms.append(
                Term.objects.create(
                    school=school,
                    school_year=sy,
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


def _teachers(ctx, school, spec, used_names) -> list[Teacher]:
    rng, today = ctx.rng, ctx.today
    subjects = [s for s, n in spec["subjects"] for _ in range(n)]
    n = len(subjects)
    primary = spec["stage"] == Stage.PRIMARY
    ages = _ages_primary(rng) if primary else _ages_generic(rng, n)
    # The principal (工号 001) and the 教导主任/教科室主任 (002) are experienced teachers.
    for pos, idx in enumerate(sorted(range(n), key=lambda i: -ages[i] if ages[i] < 50 else 0)[:2]):
        ages[pos], ages[idx] = ages[idx], ages[pos]
    grades_all = {Stage.PRIMARY: list(range(1, 7)), Stage.JUNIOR: [7, 8, 9], Stage.NINE_YEAR: list(range(1, 10))}[spec["stage"]]
    # Education: the 小学 has exactly 36 本科 (60%).
    if primary:
        edu = [Education.BACHELOR] * 36 + [Education.COLLEGE] * 20 + [Education.MASTER] * 4
    else:
        edu = [rng.choice([Education.BACHELOR] * 7 + [Education.MASTER] * 2 + [Education.COLLEGE]) for _ in range(n)]
    rng.shuffle(edu)
    users, teachers = [], []
    for i, (subject, age) in enumerate(zip(subjects, ages, strict=True), start=1):
        staff_no = f"{spec['prefix']}{i:03d}"
        gender = "F" if rng.random() < (0.8 if primary else 0.65) else "M"
        name = _name(rng, gender, used_names)
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
    User.objects.bulk_create(users)
    for user, t in zip(users, teachers, strict=True):
        t.user = user
    _titles(rng, teachers, primary, today)
    Teacher.objects.bulk_create(teachers)
    _honours(rng, teachers, primary)
    return teachers


def _titles(rng, teachers, primary, today):
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


def _honours(rng, teachers, primary):
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


def _groups(ctx, school, teachers):
    rng = ctx.rng
    members = []
    for name, subject, subjects in SUBJECT_GROUPS[school.stage]:
        group = Group.objects.create(school=school, kind="subject", name=name, subject=subject)
        in_group = [t for t in teachers if t.subject in subjects]
        leader = max(in_group, key=lambda t: (t.title in (Title.SENIOR, Title.FIRST), -t.teaching_since.toordinal()))
        members += [GroupMembership(group=group, teacher=t, role="leader" if t is leader else "member") for t in in_group]
        if subject in ("语文", "数学", "英语"):
            grades = sorted({g for t in in_group for g in t.grades})
            for g in grades:
                prep_teachers = [t for t in in_group if g in t.grades]
                if len(prep_teachers) < 2:
                    continue
                prep = Group.objects.create(
                    school=school, kind="prep", name=f"{GRADE_NAMES[g]}{subject}备课组", parent=group, subject=subject, grade=g
                )
                prep_leader = rng.choice([t for t in prep_teachers if t is not leader] or prep_teachers)
                members += [GroupMembership(group=prep, teacher=t, role="leader" if t is prep_leader else "member") for t in prep_teachers]
    studio_members = rng.sample([t for t in teachers if t.subject == "语文"], 5)
    studio = Group.objects.create(school=school, kind="studio", name=f"{studio_members[0].name}名师工作室", subject="语文")
    members += [GroupMembership(group=studio, teacher=t, role="leader" if i == 0 else "member") for i, t in enumerate(studio_members)]
    GroupMembership.objects.bulk_create(members)


def _roles(ctx, district):
    """One account per role, listed in the README."""
    primary = ctx.schools[0]
    teachers = ctx.teachers[primary.pk]
    by_no = {t.staff_no: t for t in teachers}
    principal, dean = by_no["X001"], by_no["X002"]
    RoleAssignment.objects.create(user=principal.user, role="principal", school=primary, title="校长")
    RoleAssignment.objects.create(user=dean.user, role="school_admin", school=primary, title="教导主任")
    chinese = Group.objects.get(school=primary, name="语文组")
    leader = chinese.memberships.get(role="leader").teacher
    new_teacher = min(
        (t for t in teachers if t.subject == "语文" and t.is_new(ctx.today) and t.pk not in (principal.pk, dean.pk, leader.pk)),
        key=lambda t: t.staff_no,
    )
    other = ctx.teachers[ctx.schools[1].pk][9]
    for school in ctx.schools[1:]:
        head, admin = ctx.teachers[school.pk][0], ctx.teachers[school.pk][1]
        RoleAssignment.objects.create(user=head.user, role="principal", school=school, title="校长")
        RoleAssignment.objects.create(user=admin.user, role="school_admin", school=school, title="教科室主任")
    researcher = User.objects.create(username="jyy", full_name="沈文华", password=ctx.password_hash)
    RoleAssignment.objects.create(user=researcher, role="researcher", region=district, title="区教研员")
    admin = User.objects.create(username="admin", full_name="平台管理员", password=ctx.password_hash, is_staff=True, is_superuser=True)
    RoleAssignment.objects.create(user=admin, role="platform_admin", title="平台管理员")
    ctx.personas = {
        "admin": admin,
        "researcher": researcher,
        "principal": principal.user,
        "dean": dean.user,
        "leader": leader.user,
        "teacher": new_teacher.user,
        "other_teacher": other.user,
    }
