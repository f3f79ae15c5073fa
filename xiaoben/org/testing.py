"""Test personas shared by every app's tests (STYLE: tests are personas doing real things).

    def test_x(world, client_for):
        client = client_for("teacher")
        world.teacher  # Teacher profile; world.users["teacher"] the User

The world: district 南湖区 with 实验小学 (school) and 第二中学 (other_school);
a second district 秀洲区 with its own 教研员 (other_researcher)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from xiaoben.core.scope import SYSTEM

from . import services as org
from .models import Group, Region, School, Teacher, Term

User = get_user_model()

PERSONAS = [
    "platform_admin",
    "researcher",
    "other_researcher",
    "principal",
    "dean",
    "leader",
    "mentor",
    "teacher",
    "colleague",
    "other_teacher",
]
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
    users: dict = field(default_factory=dict)

    def user(self, persona: str):
        return self.users[persona]


def make_teacher(school, staff_no, name, *, since, birth, subject="语文", grades=(3,), title="yiji", gender="F"):
    return org.teacher_create(
        actor=SYSTEM,
        school=school,
        staff_no=staff_no,
        name=name,
        password=PASSWORD,
        must_change_password=False,
        phone=f"138{school.pk:04d}{int(staff_no):04d}",
        gender=gender,
        birth_date=birth,
        teaching_since=since,
        subject=subject,
        grades=list(grades),
        title=title,
    )


def build_world(today: dt.date = TODAY) -> World:
    province = Region.objects.create(name="浙江省", kind="province")
    city = Region.objects.create(name="嘉兴市", kind="city", parent=province)
    district = Region.objects.create(name="南湖区", kind="district", parent=city)
    other_district = Region.objects.create(name="秀洲区", kind="district", parent=city)
    alliance = Region.objects.create(name="城东教研联盟", kind="alliance", parent=district)
    school = School.objects.create(name="南湖区实验小学", short_name="实验小学", code="T-SYXX", stage="primary", region=district)
    school.alliances.add(alliance)
    other_school = School.objects.create(name="秀洲区第二中学", short_name="二中", code="T-DEZX", stage="junior", region=other_district)
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
    y = today.year
    principal = make_teacher(school, "001", "王建国", since=dt.date(1995, 9, 1), birth=dt.date(1972, 5, 4), title="gaoji", gender="M")
    dean = make_teacher(school, "002", "李慧", since=dt.date(2003, 9, 1), birth=dt.date(1980, 3, 12), subject="数学")
    leader = make_teacher(school, "011", "张晓明", since=dt.date(2008, 9, 1), birth=dt.date(1985, 10, 2), gender="M")
    mentor = make_teacher(school, "012", "陈芳", since=dt.date(2010, 9, 1), birth=dt.date(1987, 1, 20))
    teacher = make_teacher(school, "031", "刘思雨", since=dt.date(y - 1, 9, 1), birth=dt.date(2001, 6, 30), title="none")
    colleague = make_teacher(
        school, "032", "赵强", since=dt.date(2015, 9, 1), birth=dt.date(1990, 8, 8), subject="数学", gender="M", title="erji"
    )
    other_teacher = make_teacher(other_school, "031", "孙丽", since=dt.date(2012, 9, 1), birth=dt.date(1988, 2, 2))
    chinese = org.group_create(actor=SYSTEM, school=school, kind="subject", name="语文组", subject="语文")
    prep = org.group_create(actor=SYSTEM, school=school, kind="prep", name="三年级语文备课组", parent=chinese, grade=3)
    math = org.group_create(actor=SYSTEM, school=school, kind="subject", name="数学组", subject="数学")
    org.group_set_members(actor=SYSTEM, group=chinese, leader_ids=[leader.pk], member_ids=[mentor.pk, teacher.pk])
    org.group_set_members(actor=SYSTEM, group=prep, leader_ids=[mentor.pk], member_ids=[teacher.pk])
    org.group_set_members(actor=SYSTEM, group=math, leader_ids=[dean.pk], member_ids=[colleague.pk])
    org.role_assign(actor=SYSTEM, user=principal.user, role="principal", school=school, title="校长")
    org.role_assign(actor=SYSTEM, user=dean.user, role="school_admin", school=school, title="教导主任")
    researcher = User.objects.create_user(username="jyy", password=PASSWORD, full_name="沈文华")
    org.role_assign(actor=SYSTEM, user=researcher, role="researcher", region=district, title="区教研员")
    other_researcher = User.objects.create_user(username="jyy2", password=PASSWORD, full_name="周敏")
    org.role_assign(actor=SYSTEM, user=other_researcher, role="researcher", region=other_district, title="区教研员")
    platform_admin = User.objects.create_user(username="admin", password=PASSWORD, full_name="平台管理员")
    org.role_assign(actor=SYSTEM, user=platform_admin, role="platform_admin", title="平台管理员")
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
        principal=principal,
        dean=dean,
        leader=leader,
        mentor=mentor,
        teacher=teacher,
        colleague=colleague,
        other_teacher=other_teacher,
    )
    w.users = {
        "platform_admin": platform_admin,
        "researcher": researcher,
        "other_researcher": other_researcher,
        "principal": principal.user,
        "dean": dean.user,
        "leader": leader.user,
        "mentor": mentor.user,
        "teacher": teacher.user,
        "colleague": colleague.user,
        "other_teacher": other_teacher.user,
    }
    return w
