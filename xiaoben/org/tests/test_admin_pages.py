"""School admin pages: the permission matrix of every new URL, and the admins' work
(create/edit/deactivate a teacher, reset a password, groups, terms)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from xiaoben.core.scope import SYSTEM
from xiaoben.org.models import Group, GroupMembership, Teacher, Term

User = get_user_model()

ADMINS = {"dean": 200, "principal": 200, "platform_admin": 200}
NOBODY_ELSE = {"teacher": 404, "leader": 404, "researcher": 404, "other_researcher": 404, "other_teacher": 404}
SCHOOL_PAGES = ["org:teacher_new", "org:teachers_inactive", "org:roster_template", "org:roster_import", "org:roster_export"]
SCHOOL_PAGES += ["org:group_new", "org:term_new"]


def _matrix(extra=None):
    expected = {"anonymous": 302, **NOBODY_ELSE, **ADMINS, **(extra or {})}
    return sorted(expected.items())


@pytest.mark.parametrize("name", SCHOOL_PAGES)
@pytest.mark.parametrize("persona,status", _matrix())
def test_school_admin_pages(client_for, name, persona, status):
    assert client_for(persona).get(reverse(name)).status_code == status


OBJECT_PAGES = [
    ("org:teacher_edit", "mentor"),
    ("org:group_edit", "chinese"),
    ("org:term_edit", "term"),
]


@pytest.mark.parametrize("name,attr", OBJECT_PAGES)
@pytest.mark.parametrize("persona,status", _matrix())
def test_object_admin_pages(world, client_for, name, attr, persona, status):
    assert client_for(persona).get(reverse(name, args=[getattr(world, attr).pk])).status_code == status


@pytest.mark.parametrize("name,attr", [("org:teacher_edit", "other_teacher"), ("org:term_edit", "other_term")])
@pytest.mark.parametrize("persona", ["dean", "principal", "researcher"])
def test_other_schools_objects_are_404_for_admins(world, client_for, name, attr, persona):
    assert client_for(persona).get(reverse(name, args=[getattr(world, attr).pk])).status_code == 404


@pytest.mark.parametrize("name", ["org:teacher_active", "org:teacher_password"])
@pytest.mark.parametrize("persona,status", _matrix({"dean": 200, "principal": 200, "platform_admin": 200}))
def test_post_actions(world, client_for, name, persona, status):
    r = client_for(persona).post(reverse(name, args=[world.colleague.pk]), {"active": "1"})
    assert r.status_code == (302 if status == 200 and name == "org:teacher_active" else status)


@pytest.mark.parametrize("persona", ["dean", "principal"])
def test_post_actions_on_other_school_are_404(world, client_for, persona):
    for name in ("org:teacher_active", "org:teacher_password"):
        assert client_for(persona).post(reverse(name, args=[world.other_teacher.pk])).status_code == 404
    world.other_teacher.user.refresh_from_db()
    assert not world.other_teacher.user.must_change_password


@pytest.mark.parametrize("name", ["org:analysis", "org:analysis_export"])
@pytest.mark.parametrize("persona,status", _matrix({"researcher": 200}))
def test_analysis_pages(world, client_for, name, persona, status):
    assert client_for(persona).get(reverse(name) + f"?school={world.school.pk}").status_code == status


def test_other_researcher_sees_own_region_school_only(world, client_for):
    body = client_for("other_researcher").get(reverse("org:analysis")).content.decode()
    assert world.other_school.name in body and world.school.name not in body


def test_nav_shows_analysis_to_admins_and_researchers(client_for):
    url = reverse("org:analysis")
    for persona, sees in [("dean", True), ("researcher", True), ("teacher", False), ("leader", False)]:
        assert (f'href="{url}"' in client_for(persona).get("/").content.decode()) is sees, persona


# ---------------------------------------------------------------- teachers


def _teacher_post(**kw):
    data = {
        "staff_no": "051",
        "name": "钱佳琪",
        "gender": "F",
        "phone": "13512345678",
        "birth_date": "1996-04-05",
        "teaching_since": "2019-08-28",
        "education": "master",
        "title": "erji",
        "subject": "英语",
        "other_subjects": ["书法"],
        "grades": ["3", "4"],
        "classes": "三(1)班",
        "is_head_teacher": "on",
        "honours": "县级教坛新秀(2023)",
    }
    data.update(kw)
    return data


def test_dean_creates_a_teacher_with_temporary_password(world, client_for):
    r = client_for("dean").post(reverse("org:teacher_new"), _teacher_post())
    assert r.status_code == 200
    t = Teacher.objects.select_related("user").get(school=world.school, staff_no="051")
    password = r.context["password"]
    assert password in r.content.decode() and t.user.check_password(password) and t.user.must_change_password
    assert (t.education, t.title, t.grades, t.other_subjects, t.is_head_teacher) == ("master", "erji", [3, 4], "书法", True)
    assert [(h.level, h.kind, h.year) for h in t.honours.all()] == [("county", "new_star", 2023)]
    assert t.user.phone == "13512345678"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("staff_no", "X009", "工号 X009 已存在。"),
        ("phone", "1234", "手机号格式不正确，应为11位数字。"),
        ("birth_date", "2030-01-01", "日期不能晚于今天。"),
        ("birth_date", "1940-01-01", "出生日期不合理：在职教师的年龄应在18至70岁之间。"),
        ("teaching_since", "2005-09-01", "参加教学工作时间早于16周岁，请与出生日期一起核对。"),
        ("honours", "优秀教师", "荣誉「优秀教师」无法识别"),
        ("name", "", "这个字段是必填项。"),
    ],
)
def test_teacher_form_errors_in_chinese_and_nothing_saved(world, client_for, field, value, message):
    count = Teacher.objects.count()
    r = client_for("dean").post(reverse("org:teacher_new"), _teacher_post(**{field: value}))
    assert r.status_code == 200 and message in r.content.decode()
    assert Teacher.objects.count() == count


def test_phone_of_another_person_is_refused(world, client_for):
    r = client_for("dean").post(reverse("org:teacher_new"), _teacher_post(phone=world.other_teacher.user.phone))
    assert "该手机号已被其他账号使用。" in r.content.decode()


def test_dean_edits_a_teacher(world, client_for):
    client = client_for("dean")
    form = client.get(reverse("org:teacher_edit", args=[world.mentor.pk])).context["form"]
    assert form.initial["phone"] == world.mentor.user.phone
    data = _teacher_post(staff_no="999", name="陈芳芳", phone=world.mentor.user.phone, honours="市级骨干教师", version=world.mentor.version)
    r = client.post(reverse("org:teacher_edit", args=[world.mentor.pk]), data)
    assert r.status_code == 302
    world.mentor.refresh_from_db()
    assert world.mentor.name == "陈芳芳" and world.mentor.staff_no == "X004"  # 工号 cannot change
    assert world.mentor.name_initials == "cff" and world.mentor.subject == "英语"
    assert [str(h) for h in world.mentor.honours.all()] == ["市级骨干教师"]


def test_deactivate_and_restore(world, client_for):
    client = client_for("dean")
    r = client.post(reverse("org:teacher_active", args=[world.colleague.pk]), {"active": "0"})
    assert r.url == reverse("org:teachers_inactive")
    world.colleague.refresh_from_db()
    world.colleague.user.refresh_from_db()
    assert not world.colleague.is_active and not world.colleague.user.is_active
    assert world.colleague.name in client.get(reverse("org:teachers_inactive")).content.decode()
    assert world.colleague.name not in client.get(reverse("org:teachers")).content.decode()
    client.post(reverse("org:teacher_active", args=[world.colleague.pk]), {"active": "1"})
    world.colleague.refresh_from_db()
    assert world.colleague.is_active and Teacher.objects.filter(pk=world.colleague.pk).exists()


def test_admin_cannot_deactivate_self(world, client_for):
    client_for("dean").post(reverse("org:teacher_active", args=[world.dean.pk]), {"active": "0"})
    world.dean.refresh_from_db()
    assert world.dean.is_active


def test_password_reset_sets_temporary_password(world, client_for):
    r = client_for("principal").post(reverse("org:teacher_password", args=[world.teacher.pk]))
    password = r.context["password"]
    world.teacher.user.refresh_from_db()
    assert world.teacher.user.check_password(password) and world.teacher.user.must_change_password
    assert password in r.content.decode()


# ---------------------------------------------------------------- groups


def test_dean_creates_a_prep_group_with_leaders_and_members(world, client_for):
    data = {
        "kind": "prep",
        "name": "四年级语文备课组",
        "parent": world.chinese.pk,
        "grade": "4",
        "leaders": [world.mentor.pk],
        "deputies": [world.leader.pk],
        "members": [world.teacher.pk],
    }
    r = client_for("dean").post(reverse("org:group_new"), data)
    g = Group.objects.get(school=world.school, name="四年级语文备课组")
    assert r.status_code == 302 and g.parent == world.chinese and g.subject == "语文" and g.grade == 4
    assert dict(g.memberships.values_list("teacher_id", "role")) == {
        world.mentor.pk: "leader",
        world.leader.pk: "deputy",
        world.teacher.pk: "member",
    }


@pytest.mark.parametrize(
    "data,message",
    [
        ({"kind": "prep", "name": "无主备课组"}, "备课组须选择所属教研组。"),
        ({"kind": "subject", "name": "语文组"}, "本校已有名为「语文组」的小组。"),
        ({"kind": "subject", "name": "英语组", "deputies": ["LEADER"]}, "同一位教师不能既是组长又是副组长。"),
    ],
)
def test_group_form_errors(world, client_for, data, message):
    data = {"leaders": [world.leader.pk], **data}
    if data.get("deputies") == ["LEADER"]:
        data["deputies"] = [world.leader.pk]
    count = Group.objects.count()
    r = client_for("dean").post(reverse("org:group_new"), data)
    assert r.status_code == 200 and message in r.content.decode()
    assert Group.objects.count() == count


def test_group_members_from_other_school_refused(world, client_for):
    data = {"kind": "project", "name": "课题组", "leaders": [world.leader.pk], "members": [world.other_teacher.pk]}
    r = client_for("dean").post(reverse("org:group_new"), data)
    assert r.status_code == 200 and not Group.objects.filter(name="课题组").exists()


def test_dean_edits_group_members(world, client_for):
    data = {
        "kind": "subject",
        "name": "语文教研组",
        "subject": "语文",
        "leaders": [world.mentor.pk],
        "members": [world.leader.pk],
        "is_active": "on",
    }
    r = client_for("dean").post(reverse("org:group_edit", args=[world.chinese.pk]), data)
    assert r.status_code == 302
    world.chinese.refresh_from_db()
    assert world.chinese.name == "语文教研组"
    assert dict(GroupMembership.objects.filter(group=world.chinese).values_list("teacher_id", "role")) == {
        world.mentor.pk: "leader",
        world.leader.pk: "member",
    }


# ---------------------------------------------------------------- terms


def test_dean_creates_and_edits_a_term(world, client_for):
    client = client_for("dean")
    data = {"start_year": "2026", "number": "2", "start_date": "2027-02-22", "end_date": "2027-07-02", "holiday_weeks": ["6", "11"]}
    assert client.post(reverse("org:term_new"), data).status_code == 302
    term = Term.objects.get(school=world.school, start_date=dt.date(2027, 2, 22))
    assert term.name == "2026-2027学年第二学期" and term.holiday_weeks == [6, 11]
    data.update(end_date="2027-07-09", holiday_weeks=["10"])
    assert client.post(reverse("org:term_edit", args=[term.pk]), data).status_code == 302
    term.refresh_from_db()
    assert term.end_date == dt.date(2027, 7, 9) and term.holiday_weeks == [10]
    assert "第10周" in client.get(reverse("org:terms")).content.decode()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"start_date": "2027-02-22", "end_date": "2027-02-01"}, "学期结束日期必须晚于开学日期。"),
        ({"start_date": "2026-10-01", "end_date": "2027-01-01"}, "与已有学期「2026-2027学年第一学期」的日期重叠。"),
    ],
)
def test_term_errors(world, client_for, data, message):
    count = Term.objects.count()
    r = client_for("dean").post(reverse("org:term_new"), {"start_year": "2026", "number": "2", **data})
    assert message in r.content.decode() and Term.objects.count() == count


@pytest.mark.parametrize("name", ["org:teachers_inactive", "org:roster_export", "org:analysis_export"])
def test_lists_and_exports_query_count_is_constant(world, client_for, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoben.org import services
    from xiaoben.org.models import TeacherHonour

    client = client_for("dean")
    client.get(reverse(name))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        return len(ctx)

    before = count()
    for i in range(25):
        t = services.teacher_create(
            actor=SYSTEM, school=world.school, staff_no=f"8{i:02d}", name=f"测试{i}", gender="F", phone=f"1370000{i:04d}"
        )
        TeacherHonour.objects.create(teacher=t, level="county", kind="backbone")
        if i % 2:
            services.teacher_set_active(actor=SYSTEM, teacher=t, active=False)
    assert count() == before


def test_platform_admin_manages_any_school_by_parameter(world, client_for):
    url = reverse("org:teacher_new") + f"?school={world.other_school.pk}"
    r = client_for("platform_admin").post(url, _teacher_post(grades=["7"]))
    assert r.status_code == 200 and Teacher.objects.get(staff_no="051").school == world.other_school
    # a school admin asking for another school: 404, nothing written anywhere
    r = client_for("dean").post(url, _teacher_post(staff_no="052", phone="13512345679"))
    assert r.status_code == 404 and not Teacher.objects.filter(staff_no="052").exists()
    assert client_for("dean").get(reverse("org:roster_export") + f"?school={world.other_school.pk}").status_code == 404
