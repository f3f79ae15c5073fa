"""Test personas shared by every app's tests (STYLE: tests are personas doing real things).

    def test_x(world, client_for):
        client = client_for("teacher")
        world.teacher  # Teacher profile; world.users["teacher"] the User

The people are the cast of `org/personas.py` — the demo's people (same names, logins, roles and
group relations). The world: district 南湖区 with 南湖区实验小学 (school); a second district
秀洲区 with its own 教研员 (other_researcher) and, unlike the demo, 二中 (other_school) so that
district isolation can be tested. Profile details (subjects, ages, titles) are the tests' own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xiaoben.core.models import User
from xiaoben.core.scope import SYSTEM

from . import personas as cast
from . import services as org
from .models import Group, Region, School, Teacher, Term

PERSONAS = [p.key for p in cast.CAST]
PASSWORD = "Pa55word-xb"
TODAY = dt.date(2026, 11, 18)  # a Wednesday in 第12周 of 2026-2027学年第一学期


@dataclass
class World:
    today: dt.date
    district: Region
    other_district: Region
    alliance: Region
    school: School
    other_school: School
    term: Term
    prev_term: Term
    other_term: Term
    chinese: Group  # 语文组 (教研组)
    prep: Group  # 三年级语文备课组 (备课组 under 语文组)
    math: Group
    principal: Teacher
    dean: Teacher
    leader: Teacher  # 语文组长
    mentor: Teacher  # experienced 语文 teacher
    teacher: Teacher  # a new 语文 teacher (教龄 < 3), member of 语文组 and the 备课组
    colleague: Teacher  # 数学 teacher of the same school, not in 语文组
    other_teacher: Teacher  # a teacher of other_school
    users: dict[str, User] = field(default_factory=dict)

    def user(self, persona: str) -> User:
        return self.users[persona]


def make_teacher(
    school: School,
    staff_no: str,
    name: str,
    *,
    since: dt.date,
    birth: dt.date,
    subject: str = "语文",
    grades: tuple[int, ...] = (3,),
    title: str = "yiji",
    gender: str = "F",
) -> Teacher:
    digits = int("".join(c for c in staff_no if c.isdigit()) or 0)
    return org.teacher_create(
        actor=SYSTEM,
        school=school,
        staff_no=staff_no,
        name=name,
        password=PASSWORD,
        must_change_password=False,
        phone=f"138{school.pk:04d}{digits:04d}",
        gender=gender,
        birth_date=birth,
        teaching_since=since,
        subject=subject,
        grades=list(grades),
        title=title,
    )


def _profiles(today: dt.date) -> dict[str, dict[str, Any]]:
    """What the tests know about each persona beyond the cast (subject, ages, title)."""
    y = today.year
    return {
        "principal": {"since": dt.date(1995, 9, 1), "birth": dt.date(1972, 5, 4), "title": "gaoji"},
        "dean": {"since": dt.date(2003, 9, 1), "birth": dt.date(1980, 3, 12), "subject": "数学"},
        "leader": {"since": dt.date(2008, 9, 1), "birth": dt.date(1985, 10, 2)},
        "mentor": {"since": dt.date(2010, 9, 1), "birth": dt.date(1987, 1, 20)},
        "teacher": {"since": dt.date(y - 1, 9, 1), "birth": dt.date(2001, 6, 30), "title": "none"},
        "colleague": {"since": dt.date(2015, 9, 1), "birth": dt.date(1990, 8, 8), "subject": "数学", "title": "erji"},
        "other_teacher": {"since": dt.date(2012, 9, 1), "birth": dt.date(1988, 2, 2)},
    }


def build_world(today: dt.date = TODAY) -> World:
    province = Region.objects.create(name="浙江省", kind="province")
    city = Region.objects.create(name="嘉兴市", kind="city", parent=province)
    district = Region.objects.create(name=cast.DISTRICT, kind="district", parent=city)
    other_district = Region.objects.create(name=cast.OTHER_DISTRICT, kind="district", parent=city)
    districts = {"district": district, "other_district": other_district}
    alliance = Region.objects.create(name="城东教研联盟", kind="alliance", parent=district)
    schools: dict[str, School] = {}
    for spec, region in ((cast.SCHOOL, district), (cast.OTHER_SCHOOL, other_district)):
        schools[spec.key] = School.objects.create(
            name=spec.name, short_name=spec.short_name, code=spec.code, stage=spec.stage, region=region
        )
    school, other_school = schools["school"], schools["other_school"]
    school.alliances.add(alliance)
    terms = {}
    for s in (school, other_school):
        prev = org.term_create(
            actor=SYSTEM,
            school=s,
            start_year=2025,
            number=2,
            start_date=dt.date(2026, 2, 23),
            end_date=dt.date(2026, 7, 3),
            holiday_weeks=[10],
        )
        cur = org.term_create(
            actor=SYSTEM,
            school=s,
            start_year=2026,
            number=1,
            start_date=dt.date(2026, 9, 1),
            end_date=dt.date(2027, 1, 22),
            holiday_weeks=[5],
        )
        terms[s.pk] = (prev, cur)
    profiles = _profiles(today)
    teachers: dict[str, Teacher] = {}
    users: dict[str, User] = {}
    for p in cast.CAST:
        if p.school:
            t = make_teacher(schools[p.school], p.staff_no, p.name, gender=p.gender, **profiles[p.key])
            teachers[p.key], users[p.key] = t, t.user
    chinese = org.group_create(actor=SYSTEM, school=school, kind="subject", name="语文组", subject="语文")
    prep = org.group_create(actor=SYSTEM, school=school, kind="prep", name="三年级语文备课组", parent=chinese, grade=3)
    math = org.group_create(actor=SYSTEM, school=school, kind="subject", name="数学组", subject="数学")
    groups = {"语文组": chinese, "语文备课组": prep, "数学组": math}
    extra_leaders = {"数学组": [teachers["dean"].pk]}  # the tests' own: the dean also leads 数学组
    for label, group in groups.items():
        rel = [(teachers[p.key].pk, role) for p in cast.CAST for g, role in p.groups if g == label]
        org.group_set_members(
            actor=SYSTEM,
            group=group,
            leader_ids=[pk for pk, role in rel if role == "leader"] + extra_leaders.get(label, []),
            member_ids=[pk for pk, role in rel if role == "member"],
        )
    for p in cast.CAST:
        if not p.school:
            users[p.key] = User.objects.create_user(username=p.username, password=PASSWORD, full_name=p.name)
        if p.role:
            org.role_assign(
                actor=SYSTEM,
                user=users[p.key],
                role=p.role,
                school=schools[p.school] if p.school else None,
                region=districts[p.district] if p.district else None,
                title=p.role_title,
            )
    w = World(
        today=today,
        district=district,
        other_district=other_district,
        alliance=alliance,
        school=school,
        other_school=other_school,
        term=terms[school.pk][1],
        prev_term=terms[school.pk][0],
        other_term=terms[other_school.pk][1],
        chinese=chinese,
        prep=prep,
        math=math,
        principal=teachers["principal"],
        dean=teachers["dean"],
        leader=teachers["leader"],
        mentor=teachers["mentor"],
        teacher=teachers["teacher"],
        colleague=teachers["colleague"],
        other_teacher=teachers["other_teacher"],
    )
    w.users = users
    return w
