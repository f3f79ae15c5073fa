"""Who reads plans.

- 学校计划: every member of the school; the district's 教研员 once it is submitted to them.
- 教研组/备课组计划: the group's members and leaders, the school's admins.
- 个人计划: the teacher; once handed in (not a draft), the leaders of their groups and the school's admins.
- 区域计划: the district's staff; the schools of the region once it is published."""

from django.db.models import Q

from xiaoben.activities.models import Activity
from xiaoben.core.tenancy import scope_rule, shown_reference

from .models import Plan, PlanItem, PlanLevel, PlanReview, PlanSection, PlanStatus


@scope_rule(Plan)
def _plans(scope, qs):
    L = PlanLevel
    cond = Q(level=L.SCHOOL, school_id__in=scope.member_school_ids)
    cond |= Q(level=L.GROUP, school_id__in=scope.admin_school_ids)
    cond |= Q(level=L.PERSONAL, school_id__in=scope.admin_school_ids) & ~Q(status=PlanStatus.DRAFT)
    if scope.teacher_id:
        groups = scope.member_group_ids | scope.led_group_ids
        cond |= Q(level=L.GROUP, group_id__in=groups, school_id=scope.teacher.school_id)
        cond |= Q(level=L.PERSONAL, teacher_id=scope.teacher_id)
        if scope.led_group_ids:
            cond |= Q(level=L.PERSONAL) & ~Q(status=PlanStatus.DRAFT) & scope.led_members_filter("teacher_id")
    if scope.region_ids:
        cond |= Q(level=L.REGION, region_id__in=scope.region_ids)
        cond |= Q(level=L.SCHOOL, school_id__in=scope.region_school_ids) & ~Q(status__in=[PlanStatus.DRAFT])
    if scope.member_school_ids:
        cond |= Q(level=L.REGION, status=PlanStatus.APPROVED, region__schools__id__in=scope.member_school_ids)
        from xiaoben.org.models import School

        # an alliance's published plan: read by the staff of its member schools (School.alliances)
        joined = School.alliances.through.objects.filter(school_id__in=scope.member_school_ids).values("region_id")
        cond |= Q(level=L.REGION, status=PlanStatus.APPROVED, region_id__in=joined)
    return qs.filter(cond).distinct()


def _visible_plan_ids(scope):
    return _plans(scope, Plan.objects.all()).values("pk")


@scope_rule(PlanSection)
def _sections(scope, qs):
    return qs.filter(plan_id__in=_visible_plan_ids(scope))


@scope_rule(PlanItem)
def _items(scope, qs):
    return qs.filter(plan_id__in=_visible_plan_ids(scope))


@scope_rule(PlanReview)
def _reviews(scope, qs):
    return qs.filter(plan_id__in=_visible_plan_ids(scope))


# The activity page shows the 月度安排 item (and its plan) an activity fulfils: asked about again there.
shown_reference(Activity, "plan_item", marker_field="title")
