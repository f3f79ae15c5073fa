"""Who sees activities: the school's staff see their school's activities; a 教研员
sees regional activities of their region and the school activities of region schools
(aggregates and published records). Refine here, nowhere else."""

from django.db.models import Q
from django.urls import reverse

from xiaoben.core.tenancy import scope_rule, shown_reference

from .models import Activity, Attendance


@scope_rule(Activity)
def _activities(scope, qs):
    cond = Q(school_id__in=scope.member_school_ids)
    if scope.teacher_id:
        # Activities elsewhere I was invited to, as a subquery on my own sign-ins: joining the
        # whole attendance table (and DISTINCT over it) read the district's sign-ins (issue #13).
        cond |= Q(pk__in=Attendance.objects.filter(teacher_id=scope.teacher_id).values("activity_id"))
    if scope.admin_school_ids:  # a 区域/联片 activity is seen by each invited school among its own
        cond |= Q(
            school_id__isnull=True,
            pk__in=Attendance.objects.filter(activity__school_id__isnull=True, teacher__school_id__in=scope.admin_school_ids).values(
                "activity_id"
            ),
        )
        # a 联盟 activity is run by the alliance's lead school (region.Alliance, read through its link): its admins see it
        cond |= Q(school_id__isnull=True, region__alliance_profile__lead_school_id__in=scope.admin_school_ids)
    if scope.region_ids:
        cond |= Q(region_id__in=scope.region_ids) | Q(school_id__in=scope.region_school_ids)
    return qs.filter(cond)


@scope_rule(Attendance)
def _attendances(scope, qs):
    cond = Q(activity__school_id__in=scope.member_school_ids)
    if scope.teacher_id:
        cond |= Q(teacher_id=scope.teacher_id)
    if scope.region_ids:
        cond |= Q(activity__region_id__in=scope.region_ids)
    return qs.filter(cond)


# --- models beyond the contract -------------------------------------------------

from .models import (  # noqa: E402
    ActivityMinutes,
    ActivitySlot,
    CalendarFeed,
    LeaveRequest,
    LessonPlanVersion,
    LessonPrep,
    LessonStudyRound,
    LessonStudySeries,
)


@scope_rule(ActivitySlot)
def _slots(scope, qs):
    return qs.filter(school_id__in=scope.member_school_ids)


@scope_rule(ActivityMinutes)
def _minutes(scope, qs):
    return qs.filter(activity__in=_activities(scope, Activity.objects.all()).values("pk"))


@scope_rule(LeaveRequest)
def _leaves(scope, qs):
    cond = Q(attendance__activity__school_id__in=scope.member_school_ids)
    if scope.teacher_id:
        cond |= Q(attendance__teacher_id=scope.teacher_id)
    return qs.filter(cond)


@scope_rule(CalendarFeed)
def _feeds(scope, qs):
    # A feed's token is a secret: only its owner sees it.
    return qs.filter(teacher_id=scope.teacher_id) if scope.teacher_id else qs.none()


@scope_rule(LessonPrep)
def _preps(scope, qs):
    """集体备课 are the school's shared work; 教研员 read their region's schools' preps."""
    return qs.filter(school_id__in=scope.readable_school_ids)


@scope_rule(LessonPlanVersion)
def _versions(scope, qs):
    return qs.filter(prep__school_id__in=scope.readable_school_ids)


@scope_rule(LessonStudySeries)
def _series(scope, qs):
    return qs.filter(school_id__in=scope.readable_school_ids)


@scope_rule(LessonStudyRound)
def _rounds(scope, qs):
    return qs.filter(series__school_id__in=scope.readable_school_ids)


# Records shown through these (asked about again through the door; walked by the tenancy walk).
def _prep_pages(prep):
    return [reverse("activities:prep_detail", args=[prep.pk])]


def _version_pages(v):
    return [reverse("activities:version_detail", args=[v.pk])]


shown_reference(Activity, "report_for", marker_field="title")
shown_reference(LessonPrep, "activity", marker_field="title", pages=_prep_pages)
shown_reference(LessonPlanVersion, "writing", marker_field="title", pages=_version_pages)
