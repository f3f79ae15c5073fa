"""考核: arithmetic (points × min(1, done/required)), the flow 自评 → 组长审核 → 学校确认,
locking, rankings and export, and the permission matrix."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiaoben.assessment import services
from xiaoben.assessment.models import AssessmentResult, AssessmentScore, ItemSource
from xiaoben.assessment.sources import points_for
from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.hours.models import HourEntry
from xiaoben.observations.models import Observation
from xiaoben.org import services as org
from xiaoben.requirements.services import requirement_create


@pytest.mark.parametrize(
    "points,done,required,score",
    [
        (10, 12, 20, "6.0"),
        (10, 25, 20, "10.0"),
        (10, 0, 20, "0.0"),
        (10, 0, 0, "10.0"),
        (15, 1, 3, "5.0"),
        (20, 36.5, 36, "20.0"),
        (7.5, 1, 2, "3.8"),
    ],
)
def test_points_arithmetic(points, done, required, score):
    assert points_for(Decimal(str(points)), Decimal(str(done)), Decimal(str(required))) == Decimal(score)


def _observe(world, observer, n):
    for i in range(n):
        Observation.objects.create(
            school=world.school,
            term=world.term,
            observer=observer,
            teacher=world.mentor,
            lesson_date=dt.date(2026, 10, 1 + i),
            status="submitted",
        )


@pytest.fixture
def scheme(world):
    req = requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期听课不少于20节",
        metric="observations.given",
        period="term",
        threshold=20,
    )
    s = services.scheme_create(
        school=world.school, term=world.term, name="教师校本研修考核", actor=scope_for(world.users["dean"]), with_defaults=False
    )
    services.item_add(scheme=s, actor=scope_for(world.users["dean"]), name="师德表现", points=15, source=ItemSource.ENTERED)
    services.item_add(
        scheme=s, actor=scope_for(world.users["dean"]), name="听课达标", points=10, source=ItemSource.REQUIREMENT, requirement=req
    )
    services.item_add(
        scheme=s, actor=scope_for(world.users["dean"]), name="研修学时", points=20, source=ItemSource.HOURS, hours_target=Decimal("36")
    )
    return s


def _result(scheme, teacher):
    return AssessmentResult.objects.get(scheme=scheme, teacher=teacher)


def _scores(result):
    return {s.item.name: s for s in result.scores.select_related("item")}


def test_computed_items_come_from_the_records(world, scheme):
    _observe(world, world.teacher, 12)
    HourEntry.objects.create(
        school=world.school, teacher=world.teacher, term=world.term, date=dt.date(2026, 10, 9), hours=18, source="manual"
    )
    HourEntry.objects.create(
        school=world.school, teacher=world.teacher, term=world.prev_term, date=dt.date(2026, 4, 9), hours=50, source="manual"
    )
    assert services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"])) == 6
    r = _result(scheme, world.teacher)
    s = _scores(r)
    assert (s["听课达标"].done, s["听课达标"].required, s["听课达标"].score) == (Decimal("12"), Decimal("20"), Decimal("6.0"))
    assert s["听课达标"].evidence_url.startswith("/requirements/")
    assert (s["研修学时"].done, s["研修学时"].score) == (Decimal("18"), Decimal("10.0"))
    assert r.total == Decimal("16.0")
    # a new record moves the score on recompute
    _observe(world, world.teacher, 3)
    services.scheme_compute(scheme=scheme)
    assert _scores(_result(scheme, world.teacher))["听课达标"].score == Decimal("7.5")


def test_flow_self_review_confirm_then_locked(world, scheme):
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    r = _result(scheme, world.teacher)
    item = scheme.items.get(name="师德表现")
    with pytest.raises(ValidationError, match="教师尚未提交自评"):
        services.result_review(result=r, actor=scope_for(world.users["leader"]), scores={})
    with pytest.raises(NotPermitted, match="只能自评自己"):
        services.result_self_assess(result=r, actor=scope_for(world.users["colleague"]), scores={item.pk: 15})
    with pytest.raises(ValidationError, match="0 到 15"):
        services.result_self_assess(result=r, actor=scope_for(world.users["teacher"]), scores={item.pk: 16})
    services.result_self_assess(result=r, actor=scope_for(world.users["teacher"]), scores={item.pk: "14"}, comment="本学期听课12节")
    r.refresh_from_db()
    assert r.status == "review" and r.total == Decimal("14.0")
    with pytest.raises(ValidationError, match="组长审核后"):
        services.result_confirm(result=r, actor=scope_for(world.users["dean"]))
    # the 语文组长 reviews a member; the 数学组长 (dean is admin, so use colleague) cannot
    with pytest.raises(NotPermitted, match="不能审核"):
        services.result_review(result=r, actor=scope_for(world.users["colleague"]), scores={item.pk: 10})
    services.result_review(result=r, actor=scope_for(world.users["leader"]), scores={item.pk: 12}, comment="认真负责")
    r.refresh_from_db()
    assert r.status == "confirm" and r.total == Decimal("12.0")
    with pytest.raises(NotPermitted) as refused:  # only the school's admins confirm: 404 to others
        services.result_confirm(result=r, actor=scope_for(world.users["leader"]))
    assert refused.value.hides_object
    services.result_confirm(result=r, actor=scope_for(world.users["dean"]))
    r.refresh_from_db()
    assert r.status == "confirmed" and r.is_locked
    for fn in (
        lambda: services.result_self_assess(result=r, actor=scope_for(world.users["teacher"]), scores={item.pk: 15}),
        lambda: services.result_review(result=r, actor=scope_for(world.users["leader"]), scores={item.pk: 15}),
        lambda: services.result_confirm(result=r, actor=scope_for(world.users["dean"])),
        lambda: services.result_return(result=r, actor=scope_for(world.users["dean"]), reason="再改改"),
    ):
        with pytest.raises(ValidationError, match="锁定"):
            fn()
    # recomputing the scheme leaves a confirmed sheet alone
    _observe(world, world.teacher, 20)
    services.scheme_compute(scheme=scheme)
    r.refresh_from_db()
    assert r.total == Decimal("12.0")


def test_scheme_lock_needs_every_sheet_confirmed(world, scheme):
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    with pytest.raises(ValidationError, match="未确认"):
        services.scheme_lock(scheme=scheme, actor=scope_for(world.users["dean"]))
    for r in AssessmentResult.objects.filter(scheme=scheme):
        services.result_self_assess(result=r, actor=scope_for(r.teacher.user), scores={})
        reviewer = world.users["principal"] if r.teacher.user_id != world.users["principal"].pk else world.users["dean"]
        services.result_review(result=r, actor=scope_for(reviewer), scores={})
    assert services.scheme_confirm_reviewed(scheme=scheme, actor=scope_for(world.users["dean"])) == 6
    services.scheme_lock(scheme=scheme, actor=scope_for(world.users["dean"]))
    scheme.refresh_from_db()
    assert scheme.is_locked
    with pytest.raises(ValidationError, match="锁定"):
        services.item_add(scheme=scheme, actor=scope_for(world.users["dean"]), name="x", points=5, source="entered")
    assert services.scheme_compute(scheme=scheme) == 0


def test_return_needs_reason(world, scheme):
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    r = _result(scheme, world.teacher)
    services.result_self_assess(result=r, actor=scope_for(world.users["teacher"]), scores={})
    with pytest.raises(ValidationError, match="理由"):
        services.result_return(result=r, actor=scope_for(world.users["leader"]), reason=" ")
    services.result_return(result=r, actor=scope_for(world.users["leader"]), reason="请补充自评小结")
    r.refresh_from_db()
    assert r.status == "self"


def test_only_admins_manage(world):
    with pytest.raises(NotPermitted):
        services.scheme_create(school=world.school, term=world.term, name="x", actor=scope_for(world.users["leader"]))
    with pytest.raises(NotPermitted):
        services.scheme_create(school=world.school, term=world.term, name="x", actor=scope_for(world.users["other_teacher"]))


def test_default_scheme_has_the_school_requirements(world):
    req = requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期听课不少于20节",
        metric="observations.given",
        period="term",
        threshold=20,
    )
    s = services.scheme_create(school=world.school, term=world.term, name="默认", actor=scope_for(world.users["principal"]))
    assert {"师德表现", "学生评教", "研修学时", req.name} <= set(s.items.values_list("name", flat=True))


def test_export_ranks(world, scheme, client_for):
    _observe(world, world.teacher, 20)
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    r = client_for("dean").get(reverse("assessment:scheme_export", args=[scheme.pk]))
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == 1 and rows[0][2] == world.teacher.name and rows[0][-2] == 10
    assert rows[1][0] == 2  # the rest tie for second
    assert len(rows) == 6


# —— pages × personas ——


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("teacher", 200), ("leader", 200), ("dean", 200), ("other_teacher", 200), ("researcher", 404)],
)
def test_index(client_for, persona, status):
    assert client_for(persona).get(reverse("assessment:index")).status_code == status


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("teacher", 200),
        ("leader", 200),  # leads 语文组
        ("mentor", 200),  # leads the 备课组
        ("dean", 200),
        ("principal", 200),
        ("colleague", 404),
        ("other_teacher", 404),
        ("researcher", 404),
        ("other_researcher", 404),
    ],
)
def test_result_page_by_persona(world, scheme, client_for, persona, status):
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    r = _result(scheme, world.teacher)
    assert client_for(persona).get(reverse("assessment:result", args=[r.pk])).status_code == status


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("teacher", 404), ("leader", 404), ("dean", 200), ("principal", 200), ("other_teacher", 404), ("researcher", 404)],
)
def test_manage_pages_by_persona(world, scheme, client_for, persona, status):
    c = client_for(persona)
    assert c.get(reverse("assessment:scheme", args=[scheme.pk])).status_code == status
    assert c.get(reverse("assessment:scheme_export", args=[scheme.pk])).status_code == status
    assert c.get(reverse("assessment:scheme_new")).status_code == status


@pytest.mark.parametrize("persona", ["teacher", "leader", "other_teacher", "researcher"])
def test_manage_posts_refused(world, scheme, client_for, persona):
    c = client_for(persona)
    for name in ("assessment:scheme_open", "assessment:scheme_compute", "assessment:scheme_lock", "assessment:scheme_confirm"):
        assert c.post(reverse(name, args=[scheme.pk])).status_code == 404, name
    assert not AssessmentResult.objects.exists()


def test_review_queue_page(world, scheme, client_for):
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    r = _result(scheme, world.teacher)
    services.result_self_assess(result=r, actor=scope_for(world.users["teacher"]), scores={})
    assert world.teacher.name in client_for("leader").get(reverse("assessment:review")).content.decode()
    assert client_for("colleague").get(reverse("assessment:review")).status_code == 404


def test_teacher_sees_how_points_were_earned(world, scheme, client_for):
    _observe(world, world.teacher, 12)
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    r = _result(scheme, world.teacher)
    body = client_for("teacher").get(reverse("assessment:result", args=[r.pk])).content.decode()
    assert "10.0 × min(1, 12.0 ÷ 20.0) = 6.0" in body
    assert "每学期听课不少于20节" in body and "/requirements/" in body
    item = scheme.items.get(name="师德表现")
    client_for("teacher").post(
        reverse("assessment:result_self", args=[r.pk]), {f"score_{item.pk}": "13", "comment": "自评", "action": "submit"}
    )
    r.refresh_from_db()
    assert r.status == "review"
    client_for("leader").post(reverse("assessment:result_review", args=[r.pk]), {f"score_{item.pk}": "12"})
    client_for("dean").post(reverse("assessment:result_confirm", args=[r.pk]))
    r.refresh_from_db()
    assert r.status == "confirmed" and r.total == Decimal("18.0")
    body = client_for("teacher").get(reverse("assessment:result", args=[r.pk])).content.decode()
    assert "已确认锁定" in body and f"score_{item.pk}" not in body


def test_scheme_page_query_count_constant(world, scheme, client_for):
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    c = client_for("dean")
    url = reverse("assessment:scheme", args=[scheme.pk])
    c.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    before = count()
    for i in range(25):
        org.teacher_create(actor=SYSTEM, school=world.school, staff_no=f"7{i:02d}", name=f"教师{i}", gender="F")
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    assert AssessmentScore.objects.filter(result__scheme=scheme).count() == 31 * 3
    assert count() == before


def test_compute_query_count_constant(world, scheme):
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            services.scheme_compute(scheme=scheme)
        return len(ctx)

    before = count()
    for i in range(20):
        org.teacher_create(actor=SYSTEM, school=world.school, staff_no=f"7{i:02d}", name=f"教师{i}", gender="F")
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    assert count() == before


@pytest.mark.parametrize("persona", ["colleague", "other_teacher", "researcher", "other_researcher"])
def test_sheet_posts_refused_for_outsiders(world, scheme, client_for, persona):
    services.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    r = _result(scheme, world.teacher)
    item = scheme.items.get(name="师德表现")
    c = client_for(persona)
    for name in ("assessment:result_self", "assessment:result_review", "assessment:result_return", "assessment:result_confirm"):
        assert c.post(reverse(name, args=[r.pk]), {f"score_{item.pk}": "1", "reason": "x"}).status_code == 404, name
    r.refresh_from_db()
    assert (r.status == "self" and r.total == Decimal("0.0")) or r.status == "self"


@pytest.mark.parametrize("persona,status", [("teacher", 404), ("leader", 404), ("other_teacher", 404), ("anonymous", 302)])
def test_item_posts_refused(world, scheme, client_for, persona, status):
    item = scheme.items.first()
    c = client_for(persona)
    assert c.post(reverse("assessment:item_add", args=[scheme.pk]), {"name": "x", "points": "5", "source": "entered"}).status_code == status
    assert c.post(reverse("assessment:item_delete", args=[scheme.pk, item.pk])).status_code == status
    assert scheme.items.count() == 3


def test_item_add_and_delete_by_admin(world, scheme, client_for):
    c = client_for("dean")
    c.post(reverse("assessment:item_add", args=[scheme.pk]), {"name": "公开课", "points": "5", "source": "entered"})
    assert scheme.items.filter(name="公开课").exists()
    item = scheme.items.get(name="公开课")
    c.post(reverse("assessment:item_delete", args=[scheme.pk, item.pk]))
    assert not scheme.items.filter(name="公开课").exists()


@pytest.mark.parametrize("persona", ["teacher", "leader", "colleague"])
def test_scheme_services_refuse_all_but_the_schools_admins(world, scheme, persona):
    actor = scope_for(world.users[persona])
    for call in (
        lambda: services.scheme_create(actor=actor, school=world.school, term=world.term, name="另一个方案"),
        lambda: services.item_add(actor=actor, scheme=scheme, name="x", points=5, source=ItemSource.ENTERED),
        lambda: services.item_delete(actor=actor, item=scheme.items.first()),
        lambda: services.scheme_open(actor=actor, scheme=scheme),
        lambda: services.scheme_recompute(actor=actor, scheme=scheme),
        lambda: services.scheme_confirm_reviewed(actor=actor, scheme=scheme),
        lambda: services.scheme_lock(actor=actor, scheme=scheme),
    ):
        with pytest.raises(NotPermitted) as e:
            call()
        assert e.value.hides_object
    assert scheme.items.count() == 3 and not scheme.results.exists()


@pytest.mark.parametrize("persona", ["teacher", "leader", "dean", "colleague", "other_teacher"])
def test_page_and_api_answer_alike_for_recompute_and_confirm(world, scheme, client_for, api_client_for, persona):
    services.scheme_open(actor=scope_for(world.users["dean"]), scheme=scheme)
    r = _result(scheme, world.teacher)
    services.result_self_assess(actor=scope_for(world.users["teacher"]), result=r, scores={})
    services.result_review(actor=scope_for(world.users["leader"]), result=r, scores={})
    page = client_for(persona).post(reverse("assessment:scheme_compute", args=[scheme.pk]))
    api = api_client_for(persona).post(f"/api/v1/assessment/schemes/{scheme.pk}/compute")
    assert (page.status_code == 404) == (api.status_code == 404), (page.status_code, api.status_code)
    page = client_for(persona).post(reverse("assessment:result_confirm", args=[r.pk]))
    api = api_client_for(persona).post(f"/api/v1/assessment/results/{r.pk}/confirm")
    assert (page.status_code == 404) == (api.status_code == 404), (page.status_code, api.status_code)
    r.refresh_from_db()
    assert (r.status == "confirmed") == (persona == "dean")
