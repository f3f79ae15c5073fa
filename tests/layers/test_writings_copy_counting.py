"""What counts while a copy is in doubt (issue #20): a flagged writing the reviewer has not
cleared does not count — on the compliance grid, on the teacher's home and in 考核 — when
the school says so (the default); it counts everywhere once cleared, or at once when the
school counts flagged writings before review."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from xiaoben.assessment import services as assessment
from xiaoben.assessment.models import AssessmentResult, ItemSource
from xiaoben.core.scope import scope_for
from xiaoben.requirements.engine import progress_for_school
from xiaoben.requirements.services import requirement_create
from xiaoben.writings import services
from xiaoben.writings.tests.helpers import html, scope, write
from xiaoben.writings.tests.texts import REFLECTION_A, REFLECTION_B, lightly_edited

LAST_TERM = dt.date(2026, 5, 12)


@pytest.fixture
def setup(world):
    req = requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期教学反思不少于2篇",
        metric="writings.count",
        period="term",
        threshold=2,
        filters={"kinds": ["reflection"]},
    )
    scheme = assessment.scheme_create(
        school=world.school, term=world.term, name="教师考核", actor=scope_for(world.users["dean"]), with_defaults=False
    )
    assessment.item_add(
        scheme=scheme, actor=scope_for(world.users["dean"]), name="教学反思", points=10, source=ItemSource.REQUIREMENT, requirement=req
    )
    write(world.mentor, html(REFLECTION_A), on=LAST_TERM, submit=True)  # last term's source
    write(world.teacher, html(REFLECTION_B), title="我自己的反思", submit=True)  # an original: always counts
    copy = write(world.teacher, html(lightly_edited(REFLECTION_A)), title="复制的反思", submit=True)
    copy.refresh_from_db()
    assert copy.copy_state == "flagged"
    return req, scheme, copy


def _counted_everywhere(world, client_for, req, scheme) -> tuple[Decimal, Decimal, int, Decimal]:
    """(grid cell, home requirement bar, home writings card, 考核 item) for the teacher."""
    grid = progress_for_school(world.school, world.term).cell(world.teacher.pk, req.pk).done
    cards = client_for("teacher").get(reverse("core:home")).context["cards"]
    bar = next(p for c in cards if "progress" in c.context for p in c.context["progress"] if p.requirement.pk == req.pk).done
    card = next(c.context["total"] for c in cards if c.template == "writings/_home_card.html")
    if not AssessmentResult.objects.filter(scheme=scheme).exists():
        assessment.scheme_open(scheme=scheme, actor=scope_for(world.users["dean"]))
    else:
        assessment.scheme_compute(scheme=scheme)
    done = AssessmentResult.objects.get(scheme=scheme, teacher=world.teacher).scores.get().done
    return grid, bar, card, done


def test_flagged_uncleared_does_not_count_by_default_then_counts_once_cleared(world, client_for, setup):
    req, scheme, copy = setup
    assert _counted_everywhere(world, client_for, req, scheme) == (1, 1, 1, 1)
    services.writing_copy_decide(writing=copy, actor=scope(world.leader), decision="cleared")
    assert _counted_everywhere(world, client_for, req, scheme) == (2, 2, 2, 2)


def test_confirmed_copy_never_counts(world, client_for, setup):
    req, scheme, copy = setup
    services.writing_copy_decide(writing=copy, actor=scope(world.dean), decision="confirmed", note="与师傅上学期的反思雷同")
    assert _counted_everywhere(world, client_for, req, scheme) == (1, 1, 1, 1)


def test_school_that_counts_before_review_counts_the_flagged_writing_everywhere(world, client_for, setup):
    req, scheme, _copy = setup
    services.copy_settings_set(school=world.school, actor=scope(world.dean), threshold=0.3, counts_before_review=True)
    world.school.refresh_from_db()
    assert _counted_everywhere(world, client_for, req, scheme) == (2, 2, 2, 2)
    services.copy_settings_set(school=world.school, actor=scope(world.dean), threshold=0.3, counts_before_review=False)
    assert _counted_everywhere(world, client_for, req, scheme) == (1, 1, 1, 1)
