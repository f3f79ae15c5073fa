"""考核 management for school admins (assessment:manage): schemes, items, computing,
confirming, locking, export. The pages read through `selectors.managed_scheme`; the actions
fetch the scheme through the door and leave the permission to the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.decorators import require_perm
from xiaoben.core.exporters import export_response
from xiaoben.core.scope import scope_for
from xiaoben.org.selectors import current_term, school_for_scope

from . import selectors, services
from .forms import ItemForm, SchemeForm
from .models import AssessmentScheme, ResultStatus


def _scheme(request, pk: int) -> AssessmentScheme:
    return selectors.managed_scheme(scope_for(request.user), pk)


@require_perm("assessment:manage")
def scheme_new(request):
    scope = scope_for(request.user)
    term = current_term(scope.school_id)
    school = school_for_scope(scope)
    if term is None or school is None:
        raise Http404
    form = SchemeForm(request.POST or None, initial={"name": "教师校本研修考核"})
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(
                actor=scope,
                school=school,
                term=term,
                name=form.cleaned_data["name"],
                with_defaults=form.cleaned_data["with_defaults"],
            )
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            return redirect("assessment:scheme", pk=scheme.pk)
    return render(request, "assessment/scheme_new.html", {"form": form, "term": term})


@require_perm("assessment:manage")
def scheme_detail(request, pk: int):
    scheme = _scheme(request, pk)
    items = list(scheme.items.select_related("requirement"))
    page = Paginator(selectors.ranked_results(user=request.user, scheme=scheme), 50).get_page(request.GET.get("page"))
    counts = selectors.status_counts(scheme)
    return render(
        request,
        "assessment/scheme.html",
        {
            "scheme": scheme,
            "items": items,
            "points": sum(i.points for i in items),
            "page": page,
            "counts": counts,
            "statuses": ResultStatus.choices,
            "item_form": ItemForm(requirements=selectors.scheme_requirements(scheme.school_id)),
        },
    )


def _act(request, scheme, fn, ok):
    try:
        out = fn()
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, ok.format(n=out) if isinstance(out, int) else ok)
    return redirect("assessment:scheme", pk=scheme.pk)


@require_POST
@login_required
def item_add(request, pk: int):
    scheme = selectors.scheme_for(request.user, pk)
    form = ItemForm(request.POST, requirements=selectors.scheme_requirements(scheme.school_id))
    if not form.is_valid():
        messages.error(
            request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items() if f in form.fields) or "请检查输入。"
        )
        return redirect("assessment:scheme", pk=scheme.pk)
    d = form.cleaned_data
    return _act(
        request, scheme, lambda: services.item_add(actor=scope_for(request.user), scheme=scheme, **d) and None, f"已添加「{d['name']}」。"
    )


@require_POST
@login_required
def item_delete(request, pk: int, item_pk: int):
    scheme = selectors.scheme_for(request.user, pk)
    item = selectors.scheme_item(scheme, item_pk)
    return _act(request, scheme, lambda: services.item_delete(actor=scope_for(request.user), item=item), "已删除。")


@require_POST
@login_required
def scheme_open(request, pk: int):
    scheme = selectors.scheme_for(request.user, pk)
    return _act(
        request, scheme, lambda: services.scheme_open(actor=scope_for(request.user), scheme=scheme), "已为 {n} 位教师生成考核表并计分。"
    )


@require_POST
@login_required
def scheme_compute(request, pk: int):
    scheme = selectors.scheme_for(request.user, pk)
    return _act(
        request, scheme, lambda: services.scheme_recompute(actor=scope_for(request.user), scheme=scheme), "已按最新记录重新计分（{n} 份）。"
    )


@require_POST
@login_required
def scheme_confirm(request, pk: int):
    scheme = selectors.scheme_for(request.user, pk)
    return _act(
        request, scheme, lambda: services.scheme_confirm_reviewed(actor=scope_for(request.user), scheme=scheme), "已确认 {n} 份考核表。"
    )


@require_POST
@login_required
def scheme_lock(request, pk: int):
    scheme = selectors.scheme_for(request.user, pk)
    return _act(request, scheme, lambda: services.scheme_lock(actor=scope_for(request.user), scheme=scheme) and None, "考核方案已锁定。")


@require_perm("assessment:manage")
def scheme_export(request, pk: int):
    scheme = _scheme(request, pk)
    return export_response(request, "assessment.results_xlsx", {"scheme": scheme.pk})
