"""视导/调研 pages: list, record, lessons, the school's 整改反馈, close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.observations.models import Observation
from xiaoben.org.selectors import today

from . import predicates, selectors, services
from .forms import LessonForm, ResponseForm, VisitForm
from .models import SchoolVisit, VisitLesson, VisitStatus


def _form_errors(form, exc: ValidationError) -> None:
    for m in exc.messages:
        form.add_error(None, m)


@login_required
def visit_list(request):
    scope = scope_for(request.user)
    if not (scope.is_region_staff or scope.is_school_admin or scope.is_platform_admin):
        raise Http404
    status = request.GET.get("status", "")
    if status not in VisitStatus.values:
        status = ""
    return render(
        request,
        "region/visits.html",
        {
            "visits": selectors.visits(scope, status=status)[:200],
            "status": status,
            "statuses": VisitStatus.choices,
            "can_create": scope.can("region:activities"),
        },
    )


@login_required
def visit_create(request):
    scope = scope_for(request.user)
    if not scope.can("region:activities"):
        raise Http404
    schools = selectors.region_schools(scope)
    form = VisitForm(request.POST or None, schools=schools, initial={"visited_on": today(), "school": request.GET.get("school")})
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_create(actor=scope, **form.cleaned_data)
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, "视导报告已发布，学校管理员已收到通知。")
            return redirect(visit)
    return render(request, "region/visit_form.html", {"form": form})


@login_required
def visit_detail(request, pk: int):
    scope = scope_for(request.user)
    visit = get_object_for_user(
        request.user, SchoolVisit, SchoolVisit.objects.select_related("school", "created_by", "responded_by"), pk=pk
    )
    lessons = selectors.visit_lessons(scope, visit)
    visible_obs = set(
        visible_to(scope, Observation)
        .filter(pk__in=[ls.observation_id for ls in lessons if ls.observation_id])
        .values_list("pk", flat=True)
    )
    for ls in lessons:
        ls.observation_visible = ls.observation_id in visible_obs
    can_edit = predicates.can_edit_visit(scope, visit)
    can_respond = predicates.can_respond_visit(scope, visit)
    return render(
        request,
        "region/visit_detail.html",
        {
            "visit": visit,
            "lessons": lessons,
            "can_edit": can_edit,
            "can_respond": can_respond,
            "can_close": predicates.can_close_visit(scope, visit),
            "response_form": ResponseForm(initial={"response": visit.response, "version": visit.version}) if can_respond else None,
        },
    )


@login_required
def lesson_add(request, pk: int):
    scope = scope_for(request.user)
    visit = get_object_for_user(request.user, SchoolVisit, SchoolVisit.objects.select_related("school"), pk=pk)
    if not predicates.can_edit_visit(scope, visit):
        raise Http404
    observations = visible_to(scope, Observation).filter(school_id=visit.school_id).select_related("teacher")
    form = LessonForm(request.POST or None, teachers=selectors.school_teachers(visit.school), observations=observations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        obs = data.pop("observation")
        try:
            services.visit_lesson_add(actor=scope, visit=visit, observation_id=obs.pk if obs else None, **data)
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, "听课已记录，授课教师已收到通知。")
            return redirect(visit)
    return render(request, "region/lesson_form.html", {"form": form, "visit": visit})


@login_required
def lesson_detail(request, pk: int):
    scope = scope_for(request.user)
    lesson = get_object_for_user(request.user, VisitLesson, VisitLesson.objects.select_related("visit__school", "teacher"), pk=pk)
    return render(
        request,
        "region/lesson_detail.html",
        {
            "lesson": lesson,
            "visit_visible": predicates.can_view_visit(scope, lesson.visit),
            "observation_visible": bool(lesson.observation_id) and visible_to(scope, Observation).filter(pk=lesson.observation_id).exists(),
        },
    )


@require_POST
@login_required
def visit_respond(request, pk: int):
    scope = scope_for(request.user)
    visit = get_object_for_user(request.user, SchoolVisit, pk=pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.visit_respond(
                actor=scope, visit=visit, response=form.cleaned_data["response"], expected_version=form.cleaned_data.get("version")
            )
            messages.success(request, "整改反馈已提交。")
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
    else:
        messages.error(request, "请填写整改反馈。")
    return redirect(visit)


@require_POST
@login_required
def visit_close(request, pk: int):
    scope = scope_for(request.user)
    visit = get_object_for_user(request.user, SchoolVisit, pk=pk)
    services.visit_close(actor=scope, visit=visit)
    messages.success(request, "视导已关闭。")
    return redirect(visit)


@login_required
def activity_create(request):
    """A 区域/联片 activity across schools (or, with ?alliance=, a 联盟 activity among the
    alliance's schools, run by its lead school too); sign-in, minutes and 学时 run on the activities app."""
    from .forms import CrossActivityForm

    scope = scope_for(request.user)
    alliance = None
    raw = request.GET.get("alliance", "")
    if raw:
        found = selectors.alliance_to_run(scope, int(raw) if raw.isdigit() and len(raw) < 10 else 0)
        if found is None:
            raise Http404
        alliance, schools = found
    elif scope.can("region:activities"):
        schools = selectors.region_schools(scope)
    else:
        raise Http404
    form = CrossActivityForm(request.POST or None, schools=schools, alliance=alliance)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            activity = services.regional_activity_create(
                actor=scope,
                school_ids=[s.pk for s in d.pop("schools")],
                group_ids=[g.pk for g in d.pop("groups")],
                teacher_ids=[t.pk for t in d.pop("teachers")],
                alliance=alliance,
                **d,
            )
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, "活动已发布，受邀教师已收到通知；活动当天在活动页打开签到二维码。")
            return redirect("activities:detail", activity.pk)
    return render(request, "region/activity_form.html", {"form": form, "alliance": alliance})
