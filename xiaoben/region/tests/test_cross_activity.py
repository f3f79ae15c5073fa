"""区域/联片 activities: invited teachers of every invited school sign in by the rotating QR,
nobody else; 学时 go once, in the 区域 category, to each teacher's own school; each school sees it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiaoben.activities import services as acts
from xiaoben.activities import signin
from xiaoben.activities.models import Activity, AttendanceStatus
from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import User
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.hours.models import HourEntry
from xiaoben.org import services as org
from xiaoben.org.models import School
from xiaoben.region import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_b(world):
    s = School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SX", stage="primary", region=world.district)
    org.term_create(actor=SYSTEM, school=s, start_year=2026, number=1, start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 1, 22))
    t = org.teacher_create(
        actor=SYSTEM,
        school=s,
        staff_no="001",
        name="钱老师",
        password="x-Pa55word",
        must_change_password=False,
        subject="语文",
        gender="F",
        birth_date=dt.date(1990, 1, 1),
        teaching_since=dt.date(2012, 9, 1),
    )
    admin = User.objects.create_user(username="admin_b", password="x")
    org.role_assign(actor=SYSTEM, user=admin, role="school_admin", school=s, title="教导主任")
    s.t, s.admin = t, admin
    return s


def _activity(world, school_b, **kw):
    now = timezone.now()
    return services.regional_activity_create(
        actor=scope_for(world.user("researcher")),
        title="语文大单元教学",
        cross_kind="cluster",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=2),
        place="实验小学报告厅",
        host=kw.get("host", world.leader),
        recorder=school_b.t,
        group_ids=kw.get("group_ids", [world.chinese.pk]),
        school_ids=kw.get("school_ids", [school_b.pk]),
    )


def _qr_sign_in(persona_client, activity):
    c = persona_client
    c.get(reverse("activities:checkin_token", args=[activity.pk, signin.token_for(activity.pk)]))
    return c.post(reverse("activities:checkin", args=[activity.pk]))


def test_invited_sign_in_by_qr_uninvited_cannot(world, client_for, school_b):
    a = _activity(world, school_b)
    assert a.title.startswith("【联片教研】") and a.status == "published" and a.school_id is None
    invited = set(a.attendances.values_list("teacher_id", flat=True))
    assert {world.leader.pk, world.mentor.pk, world.teacher.pk, school_b.t.pk} <= invited
    assert world.colleague.pk not in invited  # 数学组, not invited

    assert _qr_sign_in(client_for("teacher"), a).status_code == 302
    c = Client()
    c.force_login(school_b.t.user)
    assert _qr_sign_in(c, a).status_code == 302
    present = set(a.attendances.filter(status=AttendanceStatus.PRESENT).values_list("teacher_id", flat=True))
    assert present == {world.teacher.pk, school_b.t.pk}

    # Uninvited: a colleague of an invited school, a teacher of another district.
    assert _qr_sign_in(client_for("colleague"), a).status_code == 404
    assert _qr_sign_in(client_for("other_teacher"), a).status_code == 404
    with pytest.raises(ValidationError):
        acts.attendance_sign_in(activity=a, actor=scope_for(world.colleague.user))
    assert not a.attendances.filter(teacher=world.colleague).exists()


def test_hours_once_to_each_teachers_own_school(world, school_b):
    a = _activity(world, school_b)
    for t in (world.teacher, school_b.t):
        acts.attendance_sign_in(activity=a, actor=scope_for(t.user))
    acts.activity_mark_held(activity=a, actor=scope_for(world.user("researcher")))
    acts.minutes_save(activity=a, actor=scope_for(world.user("researcher")), html="<p>纪要</p>", expected_version=0, finish=True)
    acts.activity_record(activity=a, actor=scope_for(world.user("researcher")))
    acts.hours_sync(actor=SYSTEM, activity=a)  # again: idempotent
    entries = list(HourEntry.objects.filter(activity=a).values_list("teacher_id", "school_id", "category"))
    assert sorted(entries) == sorted([(world.teacher.pk, world.school.pk, "region"), (school_b.t.pk, school_b.pk, "region")])


def test_each_invited_school_sees_it_others_do_not(world, client_for, school_b):
    a = _activity(world, school_b, group_ids=[], school_ids=[school_b.pk], host=school_b.t)
    url = reverse("activities:detail", args=[a.pk])
    c = Client()
    c.force_login(school_b.admin)
    assert c.get(url).status_code == 200
    assert client_for("researcher").get(url).status_code == 200
    assert client_for("dean").get(url).status_code == 404  # 实验小学 was not invited
    assert client_for("other_researcher").get(url).status_code == 404


def test_only_the_regions_researcher_invites_its_schools(world, school_b, client_for):
    now = timezone.now()
    common = dict(title="x", starts_at=now, ends_at=None, place="p", host=world.leader, recorder=world.mentor)
    with pytest.raises(NotPermitted):
        services.regional_activity_create(actor=scope_for(world.user("dean")), school_ids=[world.school.pk], **common)
    with pytest.raises(NotPermitted):
        services.regional_activity_create(actor=scope_for(world.user("researcher")), school_ids=[world.other_school.pk], **common)
    with pytest.raises(ValidationError):
        services.regional_activity_create(actor=scope_for(world.user("researcher")), teacher_ids=[world.other_teacher.pk], **common)
    assert not Activity.objects.filter(title__contains="x", region__isnull=False).exists()
    assert client_for("researcher").get(reverse("region:activity_create")).status_code == 200
    assert client_for("dean").get(reverse("region:activity_create")).status_code == 404
