"""Who sees an observation: the observer and the observed teacher, the leaders of
the groups the observed teacher belongs to, and the school's admins. A draft is
the observer's alone. Other schools: nothing (404)."""

from django.db.models import Q
from django.urls import reverse

from xiaoben.core.tenancy import scope_rule, shown_reference

from .models import FeedbackFlag, Observation, Rubric


def observation_condition(scope, prefix: str = "") -> Q:
    """The visibility condition for observations (reused for flags and scores)."""
    p = prefix
    submitted = Q(**{f"{p}status": "submitted"})
    cond = Q(**{f"{p}school_id__in": scope.admin_school_ids}) & submitted
    if scope.teacher_id:
        cond |= Q(**{f"{p}observer_id": scope.teacher_id})
        cond |= Q(**{f"{p}teacher_id": scope.teacher_id}) & submitted
        if scope.led_group_ids:
            cond |= Q(**{f"{p}school_id": scope.teacher.school_id}) & submitted & scope.led_members_filter(f"{p}teacher_id")
    return cond


@scope_rule(Observation)
def _observations(scope, qs):
    return qs.filter(observation_condition(scope))


@scope_rule(Rubric)
def _rubrics(scope, qs):
    return qs.filter(school_id__in=scope.member_school_ids)


@scope_rule(FeedbackFlag)
def _flags(scope, qs):
    """School admins see their school's flags; a group leader those about observers
    or observed teachers in the groups they lead."""
    cond = Q(school_id__in=scope.admin_school_ids)
    if scope.teacher_id and scope.led_group_ids:
        cond |= Q(school_id=scope.teacher.school_id) & (
            scope.led_members_filter("observation__observer_id") | scope.led_members_filter("observation__teacher_id")
        )
    return qs.filter(cond)


# Records shown through these (asked about again through the door; walked by the tenancy walk).
def _flag_pages(flag):
    return [flag.observation.get_absolute_url(), reverse("observations:flags")]


shown_reference(Observation, "activity", marker_field="title", pages=lambda o: [o.get_absolute_url(), reverse("observations:list")])
shown_reference(FeedbackFlag, "similar_to", marker_field="lesson_title", pages=_flag_pages)
