"""区域统一要求: the district sets requirements for all its schools (issue #19, item 6).
Schools receive a copy at once and may make it stricter, never weaker (services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.decorators import require_perm
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from . import selectors, services
from .forms import RegionRequirementForm
from .models import Requirement


def _template(request, pk: int) -> Requirement:
    return get_object_for_user(request.user, Requirement, pk=pk, school__isnull=True, region_id__isnull=False)


@require_perm("region:requirements")
def region_manage(request):
    scope = scope_for(request.user)
    regions = list(selectors.regions_served(scope))
    rows = list(visible_to(request.user, Requirement).filter(region__in=regions, school__isnull=True).order_by("-active", "order", "id"))
    adopted = services.region_adoption([r.pk for r in rows])
    for r in rows:
        r.school_count = adopted.get(r.pk, 0)
    return render(request, "requirements/region_manage.html", {"regions": regions, "rows": rows})


@require_perm("region:requirements")
def region_edit(request, pk: int | None = None):
    scope = scope_for(request.user)
    regions = selectors.regions_served(scope)
    if not regions:
        raise Http404
    instance = _template(request, pk) if pk else None
    form = RegionRequirementForm(request.POST or None, instance=instance, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            services.region_requirement_save(
                actor=scope,
                region=instance.region if instance else form.cleaned_data["region"],
                requirement=instance,
                expected_version=form.cleaned_data.get("version"),
                **form.service_kwargs(),
            )
        except ValidationError as e:
            for field, errs in (e.message_dict if hasattr(e, "error_dict") else {None: e.messages}).items():
                for err in errs:
                    form.add_error(field if field in form.fields else None, err)
        else:
            messages.success(request, "已保存，并已同步到辖区各校。")
            return redirect("requirements:region_manage")
    return render(request, "requirements/region_edit.html", {"form": form, "requirement": instance})


@require_POST
@require_perm("region:requirements")
def region_retire(request, pk: int):
    r = _template(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    services.region_requirement_retire(actor=scope_for(request.user), requirement=r, expected_version=version)
    messages.success(request, f"已停用“{r.name}”：各校保留的副本成为学校自己的要求。")
    return redirect("requirements:region_manage")
