"""课堂评价表 management for school admins (`rubrics:manage`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render

from xiaoben.core.decorators import require_perm
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user

from . import rubrics as rubric_services
from . import selectors
from .forms import RubricForm, RubricItemFormSet
from .models import Rubric


def _school(scope):
    from xiaoben.org.selectors import school_for_scope

    school = school_for_scope(scope) if scope.school_id is not None else None
    if school is None:
        raise Http404
    return school


@require_perm("rubrics:manage")
def rubric_list(request):
    scope = scope_for(request.user)
    school = _school(scope)
    rubric_services.rubric_for_school(school)  # the built-in form exists from first use
    rows = selectors.rubric_list(user=request.user, school_id=school.pk)
    return render(request, "observations/rubrics.html", {"rubrics": rows, "school": school})


@require_perm("rubrics:manage")
def rubric_detail(request, pk: int):
    rubric = get_object_for_user(request.user, Rubric, pk=pk)
    if not scope_for(request.user).admin_of(rubric.school_id):
        raise Http404
    items = list(rubric.items.all())
    return render(
        request,
        "observations/rubric_detail.html",
        {
            "rubric": rubric,
            "items": items,
            "weight_sum": sum(i.weight for i in items),
            "versions": selectors.rubric_versions(rubric),
            "used": rubric_services.rubric_is_used(rubric),
        },
    )


@require_perm("rubrics:manage")
def rubric_edit(request, pk: int | None = None):
    """Create or edit. Editing a rubric already used makes a new version."""
    scope = scope_for(request.user)
    school = _school(scope)
    rubric = None
    if pk is not None:
        rubric = get_object_for_user(request.user, Rubric, Rubric.objects.annotate(n=Count("items")), pk=pk)
        if not scope.admin_of(rubric.school_id) or not rubric.is_current:
            raise Http404
    if request.method == "POST":
        form = RubricForm(request.POST)
        formset = RubricItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            items = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                saved = rubric_services.rubric_save(
                    school=school,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    items=items,
                    grade_scale=rubric_services.parse_scale(form.cleaned_data["grade_scale"]),
                    rubric=rubric,
                    is_default=form.cleaned_data["is_default"],
                )
            except ValidationError as e:
                for m in e.messages:
                    form.add_error(None, m)
            else:
                if rubric is not None and saved.pk != rubric.pk:
                    messages.success(request, f"该评价表已被使用，已另存为第{saved.version}版；旧记录仍按原版本计分。")
                else:
                    messages.success(request, "评价表已保存。")
                return redirect("observations:rubric_detail", pk=saved.pk)
    else:
        if rubric is not None:
            form = RubricForm(
                initial={
                    "name": rubric.name,
                    "grade_scale": rubric_services.scale_text(rubric.grade_scale),
                    "is_default": rubric.is_default,
                }
            )
            initial = [
                {"dimension": i.dimension, "title": i.title, "descriptor": i.descriptor, "weight": i.weight, "max_points": i.max_points}
                for i in rubric.items.all()
            ]
        else:
            form = RubricForm()
            initial = [
                {"dimension": d, "title": t, "descriptor": desc, "weight": w, "max_points": m}
                for d, t, desc, w, m in rubric_services.DEFAULT_ITEMS
            ]
        formset = RubricItemFormSet(initial=initial, prefix="items")
    return render(
        request,
        "observations/rubric_edit.html",
        {"form": form, "formset": formset, "rubric": rubric, "used": bool(rubric) and rubric_services.rubric_is_used(rubric)},
    )
