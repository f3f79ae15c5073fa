"""The home page and the profile page (routes `core:home`, `core:profile`; core's views hand
over to these through `core.scope.directory()`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render

from xiaoben.core import services
from xiaoben.core.decorators import AuthedRequest
from xiaoben.core.forms import TokenForm
from xiaoben.core.home import cards_for
from xiaoben.core.scope import scope_for
from xiaoben.core.selectors import api_tokens_of

from .selectors import current_term, home_regions, home_schools, teacher_groups, today


def home(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    term = current_term(scope.school_id)
    ctx: dict[str, Any] = {
        "term": term,
        "current_term": term,  # the page frame's term: already loaded (core.context_processors)
        "teacher": scope.teacher,
        "groups": teacher_groups(scope.teacher) if scope.teacher else [],
        "cards": cards_for(request, scope, term),
        "week": term.week_of(today()) if term and term.contains(today()) else None,
    }
    if (scope.is_region_staff or scope.is_platform_admin) and not scope.teacher:
        if not scope.is_platform_admin:
            ctx["regions"] = home_regions(scope)
        ctx["region_schools"] = home_schools(scope)
    return render(request, "core/home.html", ctx)


def profile(request: AuthedRequest) -> HttpResponse:
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
            "tokens": api_tokens_of(request.user),
            "form": form,
            "new_token": new_token,
        },
    )
