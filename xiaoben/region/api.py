"""Region API through the door: 视导 records, the school's 整改反馈, closing."""

import datetime as dt

from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.api.pagination import LazyPage
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from . import selectors, services
from .models import SchoolVisit, VisitLesson, VisitStatus

router = Router(tags=["区域教研"])


class LessonOut(Schema):
    id: int
    teacher_id: int
    teacher_name: str
    lesson_title: str
    subject: str
    period: int | None
    comment: str
    observation_id: int | None


class VisitOut(Schema):
    id: int
    school_id: int
    school_name: str
    kind: str
    visited_on: dt.date
    focus: str
    documents_checked: str
    findings: str
    suggestions: str
    status: str
    response: str
    version: int
    lessons: list[LessonOut] = []


class VisitIn(Schema):
    school_id: int
    visited_on: dt.date
    focus: str
    findings: str
    suggestions: str
    documents_checked: str = ""
    kind: str = "inspection"


class ResponseIn(Schema):
    response: str
    version: int  # the visit's version the reply was written against (a newer reply is not overwritten)


def _out(v: SchoolVisit, lessons: list[VisitLesson] | None = None) -> dict:
    return {
        "id": v.pk,
        "school_id": v.school_id,
        "school_name": v.school.name,
        "version": v.version,
        "kind": v.kind,
        "visited_on": v.visited_on,
        "focus": v.focus,
        "documents_checked": v.documents_checked,
        "findings": v.findings,
        "suggestions": v.suggestions,
        "status": v.status,
        "response": v.response,
        "lessons": [
            {
                "id": ls.pk,
                "teacher_id": ls.teacher_id,
                "teacher_name": ls.teacher.name,
                "lesson_title": ls.lesson_title,
                "subject": ls.subject,
                "period": ls.period,
                "comment": ls.comment,
                "observation_id": ls.observation_id,
            }
            for ls in (lessons or [])
        ],
    }


@router.get("/visits", response=list[VisitOut])
@paginate(PageNumberPagination, page_size=50)
def visit_list(request, status: str = ""):
    """Visits the caller may see: 教研员 their region's schools, admins their own school."""
    if status and status not in VisitStatus.values:
        status = ""  # an unknown filter lists every visit (and never reaches the database as text)
    return LazyPage(selectors.visits(scope_for(request.user), status=status), _out)


@router.get("/visits/{pk}", response=VisitOut)
def visit_detail(request, pk: int):
    scope = scope_for(request.user)
    v = get_object_for_user(request.user, SchoolVisit, SchoolVisit.objects.select_related("school"), pk=pk)
    return _out(v, selectors.visit_lessons(scope, v))


@router.post("/visits", response={201: VisitOut})
def visit_create(request, payload: VisitIn):
    from xiaoben.org.models import School

    scope = scope_for(request.user)
    school = visible_to(scope, School).filter(pk=payload.school_id).first() or School(pk=payload.school_id)
    data = payload.dict()
    data.pop("school_id")
    v = services.visit_create(actor=scope, school=school, **data)
    return Status(201, _out(v))


@router.post("/visits/{pk}/respond", response=VisitOut)
def visit_respond(request, pk: int, payload: ResponseIn):
    scope = scope_for(request.user)
    v = get_object_for_user(request.user, SchoolVisit, SchoolVisit.objects.select_related("school"), pk=pk)
    return _out(services.visit_respond(actor=scope, visit=v, response=payload.response, expected_version=payload.version))


@router.post("/visits/{pk}/close", response=VisitOut)
def visit_close(request, pk: int):
    scope = scope_for(request.user)
    v = get_object_for_user(request.user, SchoolVisit, SchoolVisit.objects.select_related("school"), pk=pk)
    return _out(services.visit_close(actor=scope, visit=v))


# --- 教研联盟 ---------------------------------------------------------------------


class AllianceSchoolOut(Schema):
    id: int
    name: str
    is_lead: bool


class AllianceOut(Schema):
    id: int
    name: str
    parent_id: int | None
    lead_school_id: int | None
    description: str
    schools: list[AllianceSchoolOut] = []
    activity_ids: list[int] = []


@router.get("/alliances", response=list[AllianceOut])
def alliance_list(request):
    """The alliances the caller may open: a 教研员's region's, a school admin's school's."""
    scope = scope_for(request.user)
    out = []
    for a in selectors.alliances(scope)[:200]:
        profile = getattr(a, "alliance_profile", None)
        out.append(
            {
                "id": a.pk,
                "name": a.name,
                "parent_id": a.parent_id,
                "lead_school_id": profile.lead_school_id if profile else None,
                "description": profile.description if profile else "",
            }
        )
    return out


@router.get("/alliances/{pk}", response=AllianceOut)
def alliance_detail(request, pk: int):
    """One alliance: its schools and the activities the caller may see (404 for outsiders)."""
    from .views_alliance import _alliance_or_404

    scope = scope_for(request.user)
    alliance, members, profile = _alliance_or_404(scope, pk)
    lead = profile.lead_school_id if profile else None
    return {
        "id": alliance.pk,
        "name": alliance.name,
        "parent_id": alliance.parent_id,
        "lead_school_id": lead,
        "description": profile.description if profile else "",
        "schools": [{"id": s.pk, "name": s.name, "is_lead": s.pk == lead} for s in members],
        "activity_ids": [a.pk for a in selectors.alliance_activities(scope, alliance)],
    }
