"""Activity pages: list, create/edit, detail with its status actions, participants, leave."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, reference_for, visible_to
from xiaoben.org.selectors import current_term, school_for_scope, today

from . import flow, predicates, selectors, services
from .forms import ActivityForm, InviteForm, LeaveForm
from .models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    LeaveRequest,
    LeaveState,
)


def _region_schools(scope):
    from xiaoben.org.selectors import region_schools

    return list(region_schools(scope).only("id", "name"))


def get_activity(request, pk: int) -> Activity:
    return get_object_for_user(request.user, Activity, selectors.activity_details(), pk=pk)


def _errors(request, e: ValidationError) -> None:
    messages.error(request, "；".join(e.messages))


@login_required
def activity_list(request):
    scope = scope_for(request.user)
    school = school_for_scope(scope, int_param(request.GET.get("school")))
    term = current_term(school.pk) if school else None
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    group_id = int_param(request.GET.get("group"))
    mine = request.GET.get("mine") == "1" and scope.teacher_id
    when = request.GET.get("when") if request.GET.get("when") in ("past", "all") else "upcoming"
    day = today()
    # A 教研员 (no school of their own) sees the region: its 区域/联片 activities and the
    # activities of its schools that the door lets through, this term, with a school filter.
    region_view = scope.school_id is None and scope.is_region_staff and not request.GET.get("school")
    start, end = (day if when == "upcoming" else None), (day - dt.timedelta(days=1) if when == "past" else None)
    if region_view:
        from xiaoben.org.selectors import term_window

        first, last = term_window(day)
        start, end = start or first, end or last
    qs = selectors.activity_list(
        user=request.user,
        school_id=None if region_view else (school.pk if school else -1),
        term_id=None if region_view else (term.pk if term else None),
        kind=kind,
        status=status,
        group_id=group_id,
        teacher_id=scope.teacher_id if mine else None,
        start=start,
        end=end,
    ).order_by(*(("-starts_at", "-pk") if when == "past" else ("starts_at", "pk")))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/list.html",
        {
            "page": page,
            "school": school,
            "term": term,
            "kinds": ActivityKind.choices,
            "statuses": ActivityStatus.choices,
            "kind": kind,
            "status": status,
            "mine": mine,
            "group_id": group_id,
            "when": when,
            "whens": [("upcoming", "即将进行"), ("past", "已过去"), ("all", "本学期全部")],
            "can_create": predicates.can_create_any(scope),
            "can_settings": school is not None and scope.admin_of(school.pk),
            "region_view": region_view or (scope.school_id is None and scope.is_region_staff),
            "region_schools": _region_schools(scope) if scope.school_id is None and scope.is_region_staff else [],
            "query": f"kind={kind}&status={status}&mine={'1' if mine else ''}&group={group_id or ''}&when={when}&school={int_param(request.GET.get('school')) or ''}",
        },
    )


@login_required
def activity_create(request):
    scope = scope_for(request.user)
    if not predicates.can_create_any(scope):
        raise Http404
    school = school_for_scope(scope)
    form = ActivityForm(request.POST or None, scope=scope, school=school, initial={"kind": request.GET.get("kind", "seminar")})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        group = data.pop("group")
        try:
            activity = services.activity_create(actor=scope, school=school, group=group, **data)
            if request.POST.get("publish"):
                services.activity_publish(actor=scope, activity=activity)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "活动已创建。" if activity.status == ActivityStatus.PLANNED else "活动已发布，参加人已收到通知。")
            return redirect("activities:detail", activity.pk)
    return render(request, "activities/form.html", {"form": form, "school": school})


@login_required
def activity_edit(request, pk: int):
    activity = get_activity(request, pk)
    scope = scope_for(request.user)
    if not predicates.can_manage(scope, activity):
        raise Http404  # the form is the organisers' page; saving is checked by the service
    form = ActivityForm(request.POST or None, instance=activity, scope=scope, school=activity.school)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            version = form.cleaned_data.get("version")
            # the form's validation wrote into `activity`: the service starts from the stored row
            services.activity_update(actor=scope, activity=get_activity(request, pk), expected_version=version, **data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "已保存。")
            return redirect("activities:detail", activity.pk)
    return render(request, "activities/form.html", {"form": form, "activity": activity, "school": activity.school})


@login_required
def activity_detail(request, pk: int):
    activity = get_activity(request, pk)
    scope = scope_for(request.user)
    attendances = list(activity.attendances.select_related("teacher", "leave", "marked_by").order_by("role", "teacher__staff_no"))
    mine = next((a for a in attendances if a.teacher_id == scope.teacher_id), None)
    counts = {s: sum(1 for a in attendances if a.status == s) for s in AttendanceStatus.values}
    minutes = selectors.minutes_of(scope, activity)
    can_manage = predicates.can_manage(scope, activity)
    if activity.status in (ActivityStatus.RECORDED, ActivityStatus.ARCHIVED):
        credited = selectors.credited_hours(scope, activity)
        for att in attendances:
            att.credited = credited.get(att.teacher_id)
    return render(
        request,
        "activities/detail.html",
        {
            "a": activity,
            "attendances": attendances,
            "mine": mine,
            "counts": counts,
            "minutes": minutes,
            "missing": services.missing_four_fixed(activity),
            "actions": flow.actions_for(scope, activity, mine),
            "window": services.sign_in_window(activity),
            "invite_form": InviteForm(school=activity.school, group_ids=[activity.group_id] if activity.group_id else ())
            if can_manage
            else None,
            "leave_form": LeaveForm(),
            "statuses": AttendanceStatus.choices,
            "roles": AttendanceRole.choices,
            "pending_leaves": [a for a in attendances if getattr(a, "leave", None) and a.leave.state == LeaveState.PENDING],
            "report_for": reference_for(scope, Activity, activity.report_for_id),
            "plan_item": _plan_item_reference(scope, activity),
            "reports": list(visible_to(scope, Activity, activity.reports.exclude(status=ActivityStatus.CANCELLED).select_related("host")))
            if activity.kind == ActivityKind.OUTSIDE
            else [],
            "rounds": list(activity.study_rounds.select_related("series")),
            "preps": list(activity.lesson_preps.select_related("lead")),
        },
    )


def _plan_item_reference(scope, activity):
    """The 月度安排 item this activity fulfils, asked about through the door: a colleague may see
    the activity but not the group's plan (then only that it was planned is said)."""
    if activity.plan_item_id is None:
        return None
    PlanItem = Activity._meta.get_field("plan_item").related_model  # plans sits above activities: a data link

    return reference_for(scope, PlanItem, activity.plan_item_id, PlanItem.objects.select_related("plan"))


@login_required
@require_POST
def activity_transition(request, pk: int, action: str):
    activity = get_activity(request, pk)
    scope = scope_for(request.user)
    try:
        services.activity_transition(actor=scope, activity=activity, action=action, reason=request.POST.get("reason", ""))
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, f"活动状态：{activity.get_status_display()}。")
    return redirect("activities:detail", activity.pk)


@login_required
@require_POST
def activity_invite(request, pk: int):
    activity = get_activity(request, pk)
    form = InviteForm(request.POST, school=activity.school)
    if form.is_valid():
        try:
            n = services.activity_invite(
                actor=scope_for(request.user),
                activity=activity,
                group_ids=[g.pk for g in form.cleaned_data["groups"]],
                teacher_ids=[t.pk for t in form.cleaned_data["teachers"]],
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"新邀请 {n} 人。")
    else:
        messages.error(request, "请选择要邀请的小组或教师。")
    return redirect("activities:detail", activity.pk)


@login_required
@require_POST
def attendance_update(request, pk: int):
    att = get_object_for_user(request.user, Attendance, Attendance.objects.select_related("activity", "teacher"), pk=pk)
    try:
        if request.POST.get("remove"):
            services.attendance_remove(actor=scope_for(request.user), attendance=att)
            messages.success(request, f"已移出 {att.teacher.name}。")
        else:
            services.attendance_set(
                actor=scope_for(request.user),
                attendance=att,
                status=request.POST.get("status") or None,
                role=request.POST.get("role") or None,
                reason=request.POST.get("reason", ""),
                accept=bool(request.POST.get("accept")),
            )
    except ValidationError as e:
        _errors(request, e)
    if request.POST.get("next") == "host":
        return redirect("activities:host_screen", att.activity_id)
    return redirect(f"{_detail_url(att.activity_id)}#people")


def _detail_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("activities:detail", args=[pk])


@login_required
@require_POST
def leave_create(request, pk: int):
    activity = get_activity(request, pk)
    scope = scope_for(request.user)
    att = selectors.my_attendance(scope, activity)
    if att is None:
        raise Http404
    try:
        services.leave_request(actor=scope, attendance=att, reason=request.POST.get("reason", ""))
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "请假申请已提交，等待组织者审批。")
    return redirect("activities:detail", activity.pk)


@login_required
@require_POST
def leave_decide(request, pk: int):
    leave = get_object_for_user(
        request.user, LeaveRequest, LeaveRequest.objects.select_related("attendance__activity", "attendance__teacher"), pk=pk
    )
    activity = leave.attendance.activity
    try:
        services.leave_decide(actor=scope_for(request.user), leave=leave, approve=request.POST.get("approve") == "1")
    except ValidationError as e:
        _errors(request, e)
    return redirect(f"{_detail_url(activity.pk)}#people")


@login_required
def attendance_export(request, pk: int):
    """签到表 (.xlsx) for the record book."""
    activity = get_activity(request, pk)
    if not predicates.can_run(scope_for(request.user), activity):
        raise Http404
    from xiaoben.core.exporters import export_response

    return export_response(request, "activities.attendance_xlsx", {"activity": activity.pk})


@login_required
def activity_settings(request):
    """活动设置 (school admins): the 补签期限 for hosts and group leaders."""
    from .forms import ActivitySettingsForm
    from .services_settings import activity_settings_for, activity_settings_update

    scope = scope_for(request.user)
    school = school_for_scope(scope)
    if school is None or not predicates.can_change_settings(scope, school.pk):
        raise Http404  # the admins' page
    form = ActivitySettingsForm(request.POST or None, initial=activity_settings_for(school))
    if request.method == "POST" and form.is_valid():
        try:
            activity_settings_update(actor=scope, school=school, attendance_fix_days=form.cleaned_data["attendance_fix_days"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "活动设置已保存。")
            return redirect("activities:settings")
    return render(request, "activities/settings.html", {"form": form, "school": school})
