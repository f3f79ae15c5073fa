"""教研联盟 pages: the list, one alliance (schools, lead school, plan, activities, shared
resources, a comparison of its members), and its profile for the 教研员."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from xiaoben.core.scope import scope_for
from xiaoben.org.selectors import term_window, today

from . import comparison, predicates, selectors, services
from .forms import AllianceForm


def _alliance_or_404(scope, pk: int):
    """The alliance and its members, or 404 for anyone it is not shown to."""
    found = selectors.alliance_for(scope, pk)
    if found is None:
        raise Http404
    return found


@login_required
def alliance_list(request):
    scope = scope_for(request.user)
    if not (scope.is_region_staff or scope.is_school_admin or scope.is_platform_admin):
        raise Http404
    return render(request, "region/alliances.html", {"alliances": list(selectors.alliances(scope))})


@login_required
def alliance_detail(request, pk: int):
    scope = scope_for(request.user)
    alliance, members, profile = _alliance_or_404(scope, pk)
    lead_id = profile.lead_school_id if profile else None
    ids = [s.pk for s in members]
    start, end = term_window()
    can_compare = predicates.can_compare_alliance(scope, alliance.pk, lead_id)
    data = comparison.compare(scope, start=start, end=end, year=today().year, schools=members) if can_compare and members else None
    return render(
        request,
        "region/alliance_detail.html",
        {
            "alliance": alliance,
            "profile": profile,
            "members": members,
            "lead_id": lead_id,
            "start": start,
            "end": end,
            "plans": selectors.alliance_plans(scope, alliance),
            "activities": selectors.alliance_activities(scope, alliance),
            "resources": selectors.alliance_resources(scope, ids),
            "data": data,
            "can_edit": predicates.can_edit_alliance(scope, alliance.pk),
            "can_run": predicates.can_run_alliance(scope, alliance.pk, lead_id),
        },
    )


def _comparable_or_404(scope, pk: int):
    """The alliance and its members for those who compare them (the region's 教研员, the lead
    school's admins); 404 for everyone else — a member school's admin included."""
    alliance, members, profile = _alliance_or_404(scope, pk)
    if not predicates.can_compare_alliance(scope, alliance.pk, profile.lead_school_id if profile else None):
        raise Http404
    return alliance, members, profile


@login_required
def alliance_cell(request, pk: int, school_id: int, measure: str):
    """The aggregate behind a number of the members' comparison (counts, never names)."""
    from django.urls import reverse

    from .views_compare import render_cell

    scope = scope_for(request.user)
    alliance, members, _profile = _comparable_or_404(scope, pk)
    school = next((s for s in members if s.pk == school_id), None)
    if school is None:
        raise Http404
    return render_cell(request, school, measure, back=reverse("region:alliance", args=[alliance.pk]), back_label=alliance.name)


@login_required
def alliance_export(request, pk: int):
    from xiaoben.core.exporters import export_response

    scope = scope_for(request.user)
    alliance, _members, _profile = _comparable_or_404(scope, pk)
    return export_response(request, "region.alliance_comparison_xlsx", {"alliance": alliance.pk})


@login_required
def alliance_edit(request, pk: int):
    scope = scope_for(request.user)
    alliance, _members, profile = _alliance_or_404(scope, pk)
    if not predicates.can_edit_alliance(scope, alliance.pk):
        raise Http404
    initial = {"lead_school": profile.lead_school_id if profile else None, "description": profile.description if profile else ""}
    form = AllianceForm(request.POST or None, members=selectors.alliance_member_schools(alliance), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.alliance_update(actor=scope, alliance=alliance, **form.cleaned_data)
        except ValidationError as e:
            for m in e.messages:
                form.add_error(None, m)
        else:
            messages.success(request, "联盟信息已保存。")
            return redirect("region:alliance", alliance.pk)
    return render(request, "region/alliance_form.html", {"form": form, "alliance": alliance})
