"""Every write about places and people takes the actor and asks `org.predicates` first: the
school's admins (and the platform) may, nobody else — whoever calls (a page, a command, a test).
The pages answer what the services answer; the rules that forms show hold in the services too."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.org import portability, roster, services
from xiaoben.org.models import CalendarDay, Group, Teacher, Term

REFUSED = ["teacher", "leader", "mentor", "researcher", "other_teacher", "other_researcher"]
ALLOWED = ["dean", "principal", "platform_admin"]


def _writes(world):
    """Each write service, called on the world's school, as a function of the actor."""
    t, g, term = world.teacher, world.chinese, world.term
    return {
        "teacher_create": lambda a: services.teacher_create(actor=a, school=world.school, staff_no="901", name="新老师", gender="F"),
        "teacher_update": lambda a: services.teacher_update(actor=a, teacher=t, expected_version=t.version, classes="三(1)班"),
        "honours_replace": lambda a: services.honours_replace(actor=a, teacher=t, honours=[]),
        "honours_set": lambda a: services.honours_set(actor=a, teacher=t, honours=[]),
        "teacher_set_active": lambda a: services.teacher_set_active(actor=a, teacher=t, active=True),
        "teacher_password_reset": lambda a: services.teacher_password_reset(actor=a, teacher=t),
        "term_create": lambda a: services.term_create(
            actor=a, school=world.school, start_year=2027, number=1, start_date=dt.date(2027, 9, 1), end_date=dt.date(2028, 1, 20)
        ),
        "term_update": lambda a: services.term_update(
            actor=a, term=term, start_date=term.start_date, end_date=term.end_date, holiday_weeks=[5]
        ),
        "school_year_get_or_create": lambda a: services.school_year_get_or_create(actor=a, school=world.school, start_year=2030),
        "group_create": lambda a: services.group_create(actor=a, school=world.school, kind="project", name="新课题组"),
        "group_update": lambda a: services.group_update(actor=a, group=g, kind="subject", name="语文组", subject="语文"),
        "group_set_members": lambda a: services.group_set_members(
            actor=a, group=g, leader_ids=[world.leader.pk], member_ids=[world.mentor.pk, t.pk]
        ),
        "role_assign": lambda a: services.role_assign(
            actor=a, user=world.colleague.user, role="school_admin", school=world.school, title="教务"
        ),
        "calendar_day_set": lambda a: services.calendar_day_set(
            actor=a, school=world.school, date=dt.date(2026, 12, 3), kind="holiday", name="运动会"
        ),
        "school_archive": lambda a: portability.school_archive(actor=a, school=world.school),
    }


WRITES = [
    "teacher_create",
    "teacher_update",
    "honours_replace",
    "honours_set",
    "teacher_set_active",
    "teacher_password_reset",
    "term_create",
    "term_update",
    "school_year_get_or_create",
    "group_create",
    "group_update",
    "group_set_members",
    "role_assign",
    "calendar_day_set",
    "school_archive",
]


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("persona", REFUSED)
def test_the_service_refuses_whoever_may_not_manage_the_school(world, write, persona):
    with pytest.raises(NotPermitted) as e:
        _writes(world)[write](scope_for(world.users[persona]))
    assert e.value.hides_object  # answered as 404: nothing learnt about the school's records


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("persona", ALLOWED)
def test_the_service_lets_the_schools_admins_write(world, write, persona):
    _writes(world)[write](scope_for(world.users[persona]))  # no exception


def test_the_other_schools_admin_is_refused_here(world):
    """An admin holds `org:manage` in their own school only."""
    services.role_assign(actor=SYSTEM, user=world.other_teacher.user, role="school_admin", school=world.other_school)
    other_admin = scope_for(world.other_teacher.user)
    with pytest.raises(NotPermitted):
        services.teacher_password_reset(actor=other_admin, teacher=world.teacher)
    with pytest.raises(NotPermitted):
        services.calendar_day_delete(
            actor=other_admin,
            day=CalendarDay.objects.create(school=world.school, date=dt.date(2026, 12, 4), kind="holiday", name="x"),
        )


def test_only_the_platform_appoints_region_staff(world):
    dean = scope_for(world.users["dean"])
    with pytest.raises(NotPermitted):
        services.role_assign(actor=dean, user=world.colleague.user, role="researcher", region=world.district)
    services.role_assign(actor=SYSTEM, user=world.colleague.user, role="researcher", region=world.district)


def test_roster_import_and_platform_commands_are_actor_checked(world):
    with pytest.raises(NotPermitted):
        roster.roster_import(actor=scope_for(world.users["teacher"]), school=world.school, upload=None, dry_run=True)  # type: ignore[arg-type]
    dean = scope_for(world.users["dean"])
    with pytest.raises(NotPermitted):
        portability.instance_backup(io.BytesIO(), actor=dean)
    with pytest.raises(NotPermitted):
        portability.instance_restore("x.zip", actor=dean)
    with pytest.raises(NotPermitted):
        portability.school_import(b"", actor=dean)


# ---- the rules forms show live in the services (a form is one caller among several)


def test_leader_and_deputy_differ_in_the_service(world):
    with pytest.raises(ValidationError, match="既是组长又是副组长"):
        services.group_set_members(
            actor=SYSTEM, group=world.chinese, leader_ids=[world.leader.pk], deputy_ids=[world.leader.pk], member_ids=[]
        )


def test_term_length_in_the_service(world):
    with pytest.raises(ValidationError, match="不应超过26周"):
        services.term_create(
            actor=SYSTEM, school=world.school, start_year=2030, number=1, start_date=dt.date(2030, 9, 1), end_date=dt.date(2031, 6, 30)
        )


def test_group_name_is_unique_in_the_service(world):
    with pytest.raises(ValidationError, match="已有名为「语文组」"):
        services.group_create(actor=SYSTEM, school=world.school, kind="subject", name="语文组")
    assert Group.objects.filter(school=world.school, name="语文组").count() == 1


@pytest.mark.parametrize(
    "profile,phone,message",
    [
        ({"birth_date": dt.date(1940, 1, 1)}, None, "年龄应在18至70岁之间"),
        ({"birth_date": dt.date(1990, 1, 1), "teaching_since": dt.date(2003, 9, 1)}, None, "早于16周岁"),
        ({"teaching_since": dt.date(2027, 9, 1)}, None, "不能晚于今天"),
        ({}, "1234", "手机号格式不正确"),
    ],
)
def test_teacher_profile_rules_in_the_service(world, profile, phone, message):
    with pytest.raises(ValidationError, match=message):
        services.teacher_create(actor=SYSTEM, school=world.school, staff_no="950", name="某某", gender="F", phone=phone, **profile)
    assert not Teacher.objects.filter(school=world.school, staff_no="950").exists()


def test_a_phone_someone_holds_is_refused_on_update(world):
    with pytest.raises(ValidationError, match="已被其他账号使用"):
        services.teacher_update(actor=SYSTEM, teacher=world.teacher, expected_version=world.teacher.version, phone=world.mentor.user.phone)


def test_nobody_deactivates_themselves(world):
    dean = scope_for(world.users["dean"])
    with pytest.raises(ValidationError, match="不能停用自己的账号"):
        services.teacher_set_active(actor=dean, teacher=world.dean, active=False)


# ---- the pages answer what the services answer


@pytest.mark.parametrize("persona,status", [("teacher", 404), ("leader", 404), ("other_teacher", 404), ("dean", 200)])
def test_password_reset_page_answers_as_the_service(world, client_for, persona, status):
    r = client_for(persona).post(reverse("org:teacher_password", args=[world.mentor.pk]))
    assert r.status_code == status


@pytest.mark.parametrize("persona,status", [("teacher", 404), ("researcher", 404), ("dean", 302)])
def test_deactivate_page_answers_as_the_service(world, client_for, persona, status):
    r = client_for(persona).post(reverse("org:teacher_active", args=[world.colleague.pk]), {"active": "0"})
    assert r.status_code == status
    world.colleague.refresh_from_db()
    assert world.colleague.is_active is (status != 302)


def test_deactivating_oneself_on_the_page_is_told(world, client_for):
    r = client_for("dean").post(reverse("org:teacher_active", args=[world.dean.pk]), {"active": "0"}, follow=True)
    assert "不能停用自己的账号" in r.content.decode()
    world.dean.refresh_from_db()
    assert world.dean.is_active


def test_terms_page_for_the_platform_admin_lists_every_school(world, client_for):
    r = client_for("platform_admin").get(reverse("org:terms"))
    assert r.status_code == 200
    assert len(r.context["terms"]) == Term.objects.count()
