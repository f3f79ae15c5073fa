"""考核 management for school admins (assessment:manage): schemes, items, computing,
confirming, locking, export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.decorators import require_perm
from xiaoben.core.exporters import export_response
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.org.models import School
from xiaoben.org.selectors import current_term

from . import selectors, services
from .forms import ItemForm, SchemeForm
from .models import AssessmentItem, AssessmentScheme, ResultStatus


def _scheme(request, pk: int) -> AssessmentScheme:
    scheme = get_object_for_user(
        request.user, AssessmentScheme, AssessmentScheme.objects.select_related("term__school_year", "school"), pk=pk
    )
    if not scope_for(request.user).can("assessment:manage", scheme.school_id):
        raise Http404
    return scheme


def _requirements(school_id):
    from xiaoben.requirements.models import Requirement

    return Requirement.objects.filter(school_id=school_id, active=True).order_by("order", "id")


@require_perm("assessment:manage")
def scheme_new(request):
    scope = scope_for(request.user)
    term = current_term(scope.school_id)
    if term is None:
        raise Http404
    form = SchemeForm(request.POST or None, initial={"name": "教师校本研修考核"})
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(
                school=School.objects.get(pk=scope.school_id),
                term=term,
                name=form.cleaned_data["name"],
                user=request.user,
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
    counts = {s: 0 for s in ResultStatus.values}
    for status, n in scheme.results.order_by().values_list("status").annotate(n=Count("id")):
        counts[status] = n
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
            "item_form": ItemForm(requirements=_requirements(scheme.school_id)),
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
@require_perm("assessment:manage")
def item_add(request, pk: int):
    scheme = _scheme(request, pk)
    form = ItemForm(request.POST, requirements=_requirements(scheme.school_id))
    if not form.is_valid():
        messages.error(
            request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items() if f in form.fields) or "请检查输入。"
        )
        return redirect("assessment:scheme", pk=scheme.pk)
    d = form.cleaned_data
    return _act(request, scheme, lambda: services.item_add(scheme=scheme, user=request.user, **d) and None, f"已添加「{d['name']}」。")


@require_POST
@require_perm("assessment:manage")
def item_delete(request, pk: int, item_pk: int):
    scheme = _scheme(request, pk)
    item = AssessmentItem.objects.filter(scheme=scheme, pk=item_pk).first()
    if item is None:
        raise Http404
    return _act(request, scheme, lambda: services.item_delete(item=item, user=request.user), "已删除。")


@require_POST
@require_perm("assessment:manage")
def scheme_open(request, pk: int):
    scheme = _scheme(request, pk)
    return _act(request, scheme, lambda: services.scheme_open(scheme=scheme, user=request.user), "已为 {n} 位教师生成考核表并计分。")


@require_POST
@require_perm("assessment:manage")
def scheme_compute(request, pk: int):
    scheme = _scheme(request, pk)
    return _act(request, scheme, lambda: services.scheme_compute(scheme=scheme), "已按最新记录重新计分（{n} 份）。")


@require_POST
@require_perm("assessment:manage")
def scheme_confirm(request, pk: int):
    scheme = _scheme(request, pk)
    return _act(request, scheme, lambda: services.scheme_confirm_reviewed(scheme=scheme, user=request.user), "已确认 {n} 份考核表。")


@require_POST
@require_perm("assessment:manage")
def scheme_lock(request, pk: int):
    scheme = _scheme(request, pk)
    return _act(request, scheme, lambda: services.scheme_lock(scheme=scheme, user=request.user) and None, "考核方案已锁定。")


@require_perm("assessment:manage")
def scheme_export(request, pk: int):
    scheme = _scheme(request, pk)
    return export_response(request, "assessment.results_xlsx", {"scheme": scheme.pk})
