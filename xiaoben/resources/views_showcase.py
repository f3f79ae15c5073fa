"""晒课 pages: rounds, nomination, expert scoring, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.choices import GRADE_NAMES

from . import predicates, selectors, services_showcase
from .forms import NominateForm, RoundForm
from .models import Resource, RoundStatus, ShowcaseEntry, ShowcaseRound


@login_required
def round_list(request):
    scope = scope_for(request.user)
    rounds = selectors.rounds_for(scope).order_by("-opens_on", "-id")
    return render(
        request, "resources/rounds.html", {"rounds": rounds, "can_open": predicates.can_open_round(scope) and scope.is_region_staff}
    )


@login_required
def round_create(request):
    scope = scope_for(request.user)
    if not (predicates.can_open_round(scope) and scope.region_ids):
        raise Http404
    form = RoundForm(request.POST or None, expert_qs=selectors.showcase_experts(scope))
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services_showcase.round_create(actor=scope, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "晒课活动已发起。")
            return redirect("resources:round", pk=rnd.pk)
    return render(request, "resources/round_form.html", {"form": form})


@login_required
def round_detail(request, pk: int):
    scope = scope_for(request.user)
    rnd = get_object_for_user(scope, ShowcaseRound, queryset=ShowcaseRound.objects.select_related("region"), pk=pk)
    entries = list(selectors.entries_for(scope, rnd).order_by("rank", "school_id", "id"))
    expert_ids = set(rnd.experts.values_list("pk", flat=True))
    is_expert = scope.user_id in expert_ids
    mine = selectors.my_scores(scope, rnd) if is_expert else {}
    for e in entries:
        e.my_score = mine.get(e.pk)
        e.can_score = is_expert and rnd.status == RoundStatus.SCORING and predicates.can_score_entry(scope, e, expert_ids)
        e.own_school = is_expert and e.school_id in scope.member_school_ids
    nominate_form = None
    if rnd.status == RoundStatus.OPEN and scope.is_school_admin:
        sid = min(scope.admin_school_ids)
        nominate_form = NominateForm(
            resource_qs=visible_to(scope, Resource).filter(school_id=sid, subject=rnd.subject).order_by("-created_at"),
            teacher_qs=selectors.nominee_teachers(sid),
        )
    return render(
        request,
        "resources/round.html",
        {
            "rnd": rnd,
            "entries": entries,
            "is_expert": is_expert,
            "can_manage": predicates.can_manage_round(scope, rnd),
            "nominate_form": nominate_form,
            "grade_names": "、".join(GRADE_NAMES.get(g, str(g)) for g in rnd.grades),
            "expert_count": len(expert_ids),
        },
    )


@login_required
@require_POST
def round_nominate(request, pk: int):
    scope = scope_for(request.user)
    rnd = get_object_for_user(scope, ShowcaseRound, pk=pk)
    if not scope.is_school_admin:
        raise Http404
    sid = min(scope.admin_school_ids)
    form = NominateForm(
        request.POST,
        resource_qs=visible_to(scope, Resource).filter(school_id=sid),
        teacher_qs=selectors.nominee_teachers(sid),
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["teacher"] = data.get("teacher") or data["resource"].author
        try:
            if data["teacher"] is None:
                raise ValidationError("请选择执教教师。")
            services_showcase.showcase_nominate(actor=scope, round=rnd, **data)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, "已推荐。")
    else:
        messages.error(request, "请选择课例资源和执教教师，并填写说课。")
    return redirect("resources:round", pk=rnd.pk)


@login_required
@require_POST
def round_advance(request, pk: int):
    scope = scope_for(request.user)
    rnd = get_object_for_user(scope, ShowcaseRound, pk=pk)
    try:
        if rnd.status == RoundStatus.OPEN:
            services_showcase.round_start_scoring(actor=scope, round=rnd)
            messages.success(request, "报名结束，开始评审。")
        else:
            services_showcase.round_publish(actor=scope, round=rnd)
            messages.success(request, "结果已公布。")
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect("resources:round", pk=rnd.pk)


@login_required
def entry_score(request, pk: int):
    scope = scope_for(request.user)
    entry = get_object_for_user(
        scope, ShowcaseEntry, queryset=ShowcaseEntry.objects.select_related("round", "resource", "teacher", "school"), pk=pk
    )
    rnd = entry.round
    existing = selectors.my_scores(scope, rnd).get(entry.pk)
    error = None
    if request.method == "POST":
        items = [request.POST.get(f"item{i}", "") for i in range(len(rnd.rubric))]
        try:
            services_showcase.showcase_score(actor=scope, entry=entry, items=items, comment=request.POST.get("comment", ""))
        except ValidationError as e:
            error = "；".join(e.messages)
        else:
            messages.success(request, "评分已保存。")
            return redirect("resources:round", pk=rnd.pk)
    rows = [
        {"i": i, "name": c["name"], "max": c["max"], "value": (existing.items[i] if existing and i < len(existing.items) else "")}
        for i, c in enumerate(rnd.rubric)
    ]
    files = selectors.current_files(entry.resource) if visible_to(scope, Resource).filter(pk=entry.resource_id).exists() else []
    return render(
        request,
        "resources/entry_score.html",
        {"entry": entry, "rnd": rnd, "rows": rows, "existing": existing, "error": error, "files": files},
    )
