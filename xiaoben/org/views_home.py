"""The home page and the profile page (routes `core:home`, `core:profile`; core's views hand
over to these through `core.scope.directory()`)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import render

from xiaoben.core import services
from xiaoben.core.forms import TokenForm
from xiaoben.core.home import cards_for
from xiaoben.core.models import ApiToken
from xiaoben.core.scope import scope_for

from .models import Region, School
from .selectors import current_term, teacher_groups, today


def home(request):
    scope = scope_for(request.user)
    term = current_term(scope.school_id)
    ctx = {
        "term": term,
        "current_term": term,  # the page frame's term: already loaded (core.context_processors)
        "teacher": scope.teacher,
        "groups": teacher_groups(scope.teacher) if scope.teacher else [],
        "cards": cards_for(request, scope, term),
        "week": term.week_of(today()) if term and term.contains(today()) else None,
    }
    if (scope.is_region_staff or scope.is_platform_admin) and not scope.teacher:
        schools = School.objects.select_related("region").annotate(
            teacher_count=Count("teachers", filter=Q(teachers__is_active=True), distinct=True),
            group_count=Count("groups", filter=Q(groups__kind="subject"), distinct=True),
        )
        if not scope.is_platform_admin:
            schools = schools.filter(id__in=scope.region_school_ids)
            ctx["regions"] = Region.objects.filter(id__in=scope.region_ids, kind__in=["district", "city", "province"]).order_by("id")[:3]
        ctx["region_schools"] = schools.order_by("region_id", "id")
    return render(request, "core/home.html", ctx)


def profile(request):
    scope = scope_for(request.user)
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, "令牌已创建。请立即复制保存，它只显示这一次。")
        form = TokenForm()
    return render(
        request,
        "core/profile.html",
        {
            "teacher": scope.teacher,
            "groups": teacher_groups(scope.teacher) if scope.teacher else [],
            "honours": list(scope.teacher.honours.all()) if scope.teacher else [],
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
            "form": form,
            "new_token": new_token,
        },
    )
