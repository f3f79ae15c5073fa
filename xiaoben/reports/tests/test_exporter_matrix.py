"""Permission matrix over every registered exporter: who gets the file, who gets 404.

Params always point at the first school's records; a teacher of another school and the
other district's 教研员 must never get them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from tests.factories import activity, attend, mentorship, observation, writing
from xiaoben.core.errors import NotPermitted
from xiaoben.core.exporters import all_exporters
from xiaoben.core.scope import build_scope

D = dt.date


@pytest.fixture
def objs(world):
    from xiaoben.assessment.models import AssessmentScheme

    obs = observation(world.teacher, world.mentor, D(2026, 10, 8), term=world.term)
    act = activity(world.school, "seminar", D(2026, 10, 9), term=world.term, group=world.chinese, host=world.leader)
    attend(act, world.teacher)
    writing(world.teacher, "reflection", D(2026, 10, 10), term=world.term)
    pair = mentorship(world.mentor, world.teacher, world.term.school_year)
    scheme = AssessmentScheme.objects.create(school=world.school, term=world.term, name="考核")
    from xiaoben.plans import services as plans
    from xiaoben.resources.models import ShowcaseRound

    plan = plans.plan_create(actor=build_scope(world.users["dean"]), level="school", school=world.school, term=world.term)

    showcase = ShowcaseRound.objects.create(
        region=world.district,
        title="晒课",
        subject="语文",
        opens_on=D(2026, 11, 1),
        closes_on=D(2026, 11, 30),
        rubric=[{"name": "设计", "max": 100}],
    )
    return {"obs": obs, "act": act, "pair": pair, "scheme": scheme, "plan": plan, "showcase": showcase}


def params_for(identifier, world, o, *, teacher=None):
    t = teacher or world.teacher
    return {
        "observations.record_docx": {"observation": o["obs"].pk},
        "observations.list_xlsx": {"term": world.term.pk, "role": ""},
        "hours.certificate_docx": {"teacher": t.pk, "year": 2026},
        "hours.stats_xlsx": {"year": 2026},
        "activities.attendance_xlsx": {"activity": o["act"].pk},
        "mentoring.agreement_docx": {"pair": o["pair"].pk},
        "mentoring.agreements_docx": {"school_year": world.term.school_year_id},
        "org.roster_xlsx": {"school": world.school.pk},
        "org.roster_template_xlsx": {"school": world.school.pk},
        "writings.term_docx": {"teacher": t.pk, "term": world.term.pk},
        "writings.school_xlsx": {"term": world.term.pk},
        "assessment.results_xlsx": {"scheme": o["scheme"].pk},
        "reports.summary_docx": {"term": world.term.pk, "kind": "term"},
        "reports.group_summary_docx": {"term": world.term.pk, "group": world.chinese.pk},
        "reports.activity_book_docx": {"term": world.term.pk, "group": world.chinese.pk},
        "reports.observation_book_docx": {"teacher": t.pk, "term": world.term.pk},
        "reports.portfolio_docx": {"teacher": t.pk, "school_year": world.term.school_year_id},
        "reports.term_archive_zip": {"term": world.prev_term.pk},
        "plans.plan_docx": {"plan": o["plan"].pk},
        "resources.library_xlsx": {"school": world.school.pk, "subject": ""},
        "resources.showcase_xlsx": {"round": o["showcase"].pk},
        "research.achievements_xlsx": {},
        "region.comparison_xlsx": {},
        "region.alliance_comparison_xlsx": {"alliance": world.alliance.pk},
    }[identifier]


# Exporters of a 教研员's own region (aggregates only): nobody of a school holds them.
REGION_ONLY = {"region.comparison_xlsx"}
# An alliance's comparison: its 教研员 (and its lead school, tested in region/tests/test_alliance.py).
ALLIANCE = {"region.alliance_comparison_xlsx"}


# What the new 语文 teacher may export about their own records.
TEACHER_MAY = {
    "observations.record_docx",
    "observations.list_xlsx",
    "hours.certificate_docx",
    "mentoring.agreement_docx",
    "writings.term_docx",
    "reports.observation_book_docx",
    "reports.portfolio_docx",
    "plans.plan_docx",  # the school plan: every member of the school reads it
    "resources.library_xlsx",  # the school's resources the teacher may read
    "resources.showcase_xlsx",  # a 晒课 round of the district
}
# The 语文组长 also gets the group's documents.
LEADER_MAY = {
    "observations.list_xlsx",
    "reports.group_summary_docx",
    "reports.activity_book_docx",
    "activities.attendance_xlsx",
    "reports.observation_book_docx",
    "reports.portfolio_docx",
}


def _try(exporter, user, params):
    scope = build_scope(user)
    if not exporter.available(scope):
        return "unavailable"
    try:
        name, mime, data = exporter.render(actor=scope, params=params)
    except (Http404, NotPermitted):
        return "404"
    except ValidationError:
        return "invalid"
    assert name and mime and data, exporter.identifier
    return "ok"


def test_every_exporter_has_a_row_in_this_matrix(world, objs):
    for e in all_exporters():
        params_for(e.identifier, world, objs)  # KeyError: a new exporter needs its row here


def test_matrix(world, objs):
    # one world for the whole matrix: building it per exporter costs minutes
    for exporter in all_exporters():
        _check(world, objs, exporter, exporter.identifier)


def _check(world, objs, exporter, identifier):
    p = params_for(identifier, world, objs)
    if identifier in ALLIANCE:
        assert _try(exporter, world.users["researcher"], p) == "ok"
        for person in ("teacher", "leader", "other_teacher", "other_researcher"):
            assert _try(exporter, world.users[person], p) in ("unavailable", "404"), person
        return
    if identifier in REGION_ONLY:
        assert _try(exporter, world.users["researcher"], p) == "ok"
        for person in ("teacher", "leader", "dean", "other_teacher"):
            assert _try(exporter, world.users[person], p) == "unavailable", person
        return
    assert _try(exporter, world.users["dean"], p) == "ok"
    for outsider in ("other_teacher", "other_researcher"):
        assert _try(exporter, world.users[outsider], p) in ("unavailable", "404"), outsider
    got = _try(exporter, world.users["teacher"], p)
    assert (got == "ok") == (identifier in TEACHER_MAY), (identifier, got)
    # a teacher never gets a colleague's personal documents
    if "teacher" in p:
        assert _try(exporter, world.users["teacher"], params_for(identifier, world, objs, teacher=world.colleague)) in (
            "unavailable",
            "404",
        )
    if identifier in LEADER_MAY:
        assert _try(exporter, world.users["leader"], p) == "ok", identifier
