"""成果与荣誉 pages: a teacher's achievements, the phone-friendly submit form, the check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import Teacher

from . import selectors
from . import services_achievements as svc
from .forms import AchievementForm, ReturnForm
from .models import Achievement, AchievementStatus, ResearchProject
from .predicates import can_edit_achievement, can_manage_research, can_verify_achievement
from .views import apply_errors

FIELDS = ("kind", "title", "level", "rank", "issuer", "date", "honour_kind", "students", "project")


def _achievement(request, pk: int) -> Achievement:
    return get_object_for_user(
        request.user,
        Achievement,
        Achievement.objects.select_related("school", "project", "submitted_by", "verified_by").prefetch_related("credits__teacher"),
        pk=pk,
    )


def _teacher_page(request, teacher: Teacher):
    scope = scope_for(request.user)
    f = selectors.AchievementFilter.from_query(request.GET)
    credits = selectors.achievements_for_teacher(teacher.pk, start=f.start, end=f.end)
    credits = credits.filter(achievement__in=visible_to(scope, Achievement).values("pk"))
    if f.status:
        credits = credits.filter(achievement__status=f.status)
    page = Paginator(credits, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "research/achievements_mine.html",
        {
            "teacher": teacher,
            "page": page,
            "totals": selectors.teacher_totals(teacher.pk),
            "is_self": scope.is_self(teacher.pk),
            "filter": f,
            "query": f.query(),
        },
    )


@login_required
def my_achievements(request):
    scope = scope_for(request.user)
    if scope.teacher is None:
        if scope.admin_school_ids:
            return redirect("research:school")
        raise Http404
    return _teacher_page(request, scope.teacher)


@login_required
def teacher_achievements(request, pk: int):
    """A teacher's achievements: the teacher and the school's admins (the 考核 sheet links here)."""
    scope = scope_for(request.user)
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("school"), pk=pk)
    if not (scope.is_self(teacher.pk) or can_manage_research(scope, teacher.school_id)):
        raise Http404
    return _teacher_page(request, teacher)


def _form(request, scope, *, achievement=None):
    school_id = achievement.school_id if achievement else scope.school_id
    teachers = selectors.school_teachers(school_id)
    projects = visible_to(scope, ResearchProject).filter(school_id=school_id).order_by("-created_at")
    initial = {"teachers": [scope.teacher_id] if scope.teacher_id else []}
    if achievement is not None:
        initial = {f: getattr(achievement, f) for f in FIELDS} | {
            "teachers": [c.teacher_id for c in achievement.credits.all()],
            "shares": "、".join(f"{c.share.normalize():f}" for c in achievement.credits.all()) if achievement.credits.count() > 1 else "",
            "version": achievement.version,
        }
    return AchievementForm(
        request.POST or None,
        request.FILES or None,
        teachers=teachers,
        projects=projects,
        evidence_required=achievement is None,
        initial=initial,
    )


@login_required
def achievement_new(request):
    scope = scope_for(request.user)
    if scope.teacher is None and not scope.admin_school_ids:
        raise Http404
    form = _form(request, scope)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            a = svc.achievement_submit(
                actor=scope,
                evidence=d["evidence"],
                teacher_ids=[t.pk for t in d["teachers"]] or None,
                shares=d.get("shares"),
                **{f: d[f] for f in FIELDS},
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, "已提交，教导处审核证明材料后计入统计。")
            return redirect(a)
    return render(request, "research/achievement_form.html", {"form": form, "achievement": None})


@login_required
def achievement_edit(request, pk: int):
    a = _achievement(request, pk)
    scope = scope_for(request.user)
    if not can_edit_achievement(scope, a):
        raise Http404
    form = _form(request, scope, achievement=a)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.achievement_resubmit(
                actor=scope,
                achievement=a,
                evidence=d.get("evidence"),
                teacher_ids=[t.pk for t in d["teachers"]] or None,
                shares=d.get("shares"),
                expected_version=d.get("version"),
                **{f: d[f] for f in FIELDS},
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, "已保存。" if a.is_verified else "已修改并重新提交审核。")
            return redirect(a)
    return render(request, "research/achievement_form.html", {"form": form, "achievement": a})


@login_required
def achievement_detail(request, pk: int):
    a = _achievement(request, pk)
    scope = scope_for(request.user)
    project_visible = a.project_id and visible_to(scope, ResearchProject).filter(pk=a.project_id).exists()
    return render(
        request,
        "research/achievement_detail.html",
        {
            "a": a,
            "credits": a.credits.all(),
            "can_edit": can_edit_achievement(scope, a),
            "can_verify": can_verify_achievement(scope, a) and a.status != AchievementStatus.VERIFIED,
            "can_return": can_verify_achievement(scope, a),
            "return_form": ReturnForm(),
            "project_visible": project_visible,
        },
    )


@login_required
def evidence(request, pk: int):
    a = _achievement(request, pk)
    if not a.evidence:
        raise Http404
    from xiaoben.core.uploads import served_type

    content_type, download = served_type(a.evidence_kind, a.evidence)
    response = FileResponse(
        a.evidence.open("rb"), as_attachment=download, filename=a.evidence_name or "evidence", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def achievement_verify(request, pk: int):
    a = _achievement(request, pk)
    try:
        svc.achievement_verify(actor=scope_for(request.user), achievement=a)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"已认定「{a.title}」。")
    if request.POST.get("next") == "queue":
        return redirect("/research/school/?status=pending")
    return redirect(a)


@require_POST
@login_required
def achievement_return(request, pk: int):
    a = _achievement(request, pk)
    try:
        svc.achievement_return(actor=scope_for(request.user), achievement=a, reason=request.POST.get("reason", ""))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"已退回「{a.title}」，理由已通知老师。")
    return redirect(a)


@require_POST
@login_required
def achievement_delete(request, pk: int):
    a = _achievement(request, pk)
    svc.achievement_delete(actor=scope_for(request.user), achievement=a)
    messages.success(request, f"已删除「{a.title}」。")
    return redirect("research:mine")
