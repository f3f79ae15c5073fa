"""The cast: the people of the demo and of the tests, declared once.

`org/demo.py` builds the demo district around them (and adds ~140 ordinary teachers for
realism); `org/testing.py` `build_world()` builds a small world of exactly these people. Same
names, same logins, same roles, same group relations — so "log in as X009" in the README and
`client_for("teacher")` in a test are the same person.

A persona's login is `username` (accounts above schools) or `<school code>-<staff_no>`
(teachers; they may also sign in with the bare 工号)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SchoolSpec:
    key: str  # World attribute: "school", "other_school"
    code: str
    name: str
    short_name: str
    stage: str  # org.choices.Stage value
    prefix: str  # the demo's 工号 prefix ("X001")


@dataclass(frozen=True)
class Persona:
    key: str  # World attribute and SeedContext.personas key: "teacher", "leader", …
    name: str
    gender: str = "F"
    school: str = ""  # SchoolSpec.key; "" for accounts above schools
    staff_no: str = ""  # 工号 (teachers)
    username: str = ""  # login of an account without a school
    role: str = ""  # RoleAssignment role ("" = an ordinary teacher)
    role_title: str = ""
    district: str = ""  # a regional role's district: "district" or "other_district"
    # Group relations both worlds keep: (group, "leader"|"member"); "语文组"/"数学组" are the
    # school's subject groups, "语文备课组" the 备课组 the mentor leads and the teacher is in.
    groups: tuple[tuple[str, str], ...] = ()
    new_teacher: bool = False  # 教龄 < 3 years

    def login(self, school_code: str = "") -> str:
        if self.username:
            return self.username
        return f"{school_code}-{self.staff_no}"


SCHOOL = SchoolSpec("school", "NH-SYXX", "南湖区实验小学", "实验小学", "primary", "X")
OTHER_SCHOOL = SchoolSpec("other_school", "NH-DEZX", "南湖区第二初级中学", "二中", "junior", "C")
SCHOOLS: tuple[SchoolSpec, ...] = (SCHOOL, OTHER_SCHOOL)

DISTRICT = "南湖区"
OTHER_DISTRICT = "秀洲区"

CAST: tuple[Persona, ...] = (
    Persona("principal", "王建国", "M", "school", "X001", role="principal", role_title="校长"),
    Persona("dean", "李慧", "F", "school", "X002", role="school_admin", role_title="教导主任"),
    Persona("leader", "张晓明", "M", "school", "X011", groups=(("语文组", "leader"),)),
    Persona("mentor", "陈芳", "F", "school", "X004", groups=(("语文组", "member"), ("语文备课组", "leader"))),
    Persona("teacher", "刘思雨", "F", "school", "X009", groups=(("语文组", "member"), ("语文备课组", "member")), new_teacher=True),
    Persona("colleague", "赵强", "M", "school", "X026", groups=(("数学组", "member"),)),
    Persona("other_teacher", "孙丽", "F", "other_school", "C010"),
    Persona("platform_admin", "平台管理员", username="admin", role="platform_admin", role_title="平台管理员"),
    Persona("researcher", "沈文华", username="jyy", role="researcher", role_title="区教研员", district="district"),
    Persona("other_researcher", "周敏", username="jyy2", role="researcher", role_title="区教研员", district="other_district"),
)

BY_KEY: dict[str, Persona] = {p.key: p for p in CAST}


def school_spec(key: str) -> SchoolSpec:
    return next(s for s in SCHOOLS if s.key == key)


def at_school(key: str) -> dict[str, Persona]:
    """staff_no -> persona, for one school."""
    return {p.staff_no: p for p in CAST if p.school == key}
