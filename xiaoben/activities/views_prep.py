"""集体备课 pages (draft → comments → personal versions → 教后反思, side-by-side compare)
and lesson-study series (一课多研, 同课异构)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core import textsim
from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, reference_for, visible_to
from xiaoben.org.selectors import current_term, school_for_scope

from . import predicates, reflections, selectors, services_prep
from .forms import LessonPrepForm, ReflectionForm, RoundForm, SeriesForm, VersionForm
from .models import Activity, LessonPlanVersion, LessonPrep, LessonStudySeries


def _school_teacher(request, school_id: int):
    """The signed-in teacher if they may write 集体备课 in `school_id` (what the page offers)."""
    scope = scope_for(request.user)
    return scope.teacher if predicates.can_write_prep(scope, school_id) else None


@login_required
def prep_list(request):
    scope = scope_for(request.user)
    school = school_for_scope(scope, int_param(request.GET.get("school")))
    qs = (
        visible_to(request.user, LessonPrep)
        .filter(school_id=school.pk if school else -1)
        .select_related("lead", "group", "activity", "term__school_year")
        .annotate(version_count=Count("versions", distinct=True))
        .order_by("-created_at", "-pk")
    )
    if request.GET.get("mine") == "1" and scope.teacher_id:
        qs = qs.filter(versions__author_id=scope.teacher_id).distinct()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/prep_list.html",
        {
            "page": page,
            "school": school,
            "can_create": _school_teacher(request, school.pk if school else -1) is not None or (school and scope.admin_of(school.pk)),
        },
    )


@login_required
def prep_create(request):
    scope = scope_for(request.user)
    school = school_for_scope(scope)
    if school is None or not predicates.can_create_prep(scope, school.pk):
        raise Http404
    term = current_term(school.pk)
    initial = {"lead": scope.teacher_id, "activity": int_param(request.GET.get("activity"))}
    form = LessonPrepForm(request.POST or None, request.FILES or None, scope=scope, school=school, term=term, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            prep = services_prep.prep_create(
                actor=scope,
                school=school,
                term=term,
                title=d["title"],
                lead=d["lead"],
                group=d["group"],
                activity=d["activity"],
                body=d["body"],
                upload=d["docx"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "主备初稿已发布，组内教师可以研讨并保存个性化修改。")
            return redirect("activities:prep_detail", prep.pk)
    return render(request, "activities/prep_form.html", {"form": form})


def _get_prep(request, pk: int) -> LessonPrep:
    return get_object_for_user(
        request.user, LessonPrep, LessonPrep.objects.select_related("lead", "group", "activity", "school", "term__school_year"), pk=pk
    )


@login_required
def prep_detail(request, pk: int):
    prep = _get_prep(request, pk)
    versions = list(prep.versions.select_related("author", "based_on__author").order_by("created_at", "id"))
    me = _school_teacher(request, prep.school_id)
    return render(
        request,
        "activities/prep_detail.html",
        {
            "prep": prep,
            "activity": reference_for(request.user, Activity, prep.activity_id),
            "versions": versions,
            "copy_threshold": textsim.school_threshold(prep.school),
            "latest": next((v for v in reversed(versions) if v.author_id == prep.lead_id), versions[-1] if versions else None),
            "can_write": me is not None,
            "is_lead": me is not None and me.pk == prep.lead_id,
            "form": VersionForm(initial={"body": _latest_lead_body(versions, prep)}),
            "my_versions": [v for v in versions if me and v.author_id == me.pk],
        },
    )


def _latest_lead_body(versions, prep) -> str:
    lead = [v for v in versions if v.author_id == prep.lead_id]
    return lead[-1].body if lead else ""


@login_required
@require_POST
def version_create(request, pk: int):
    prep = _get_prep(request, pk)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            v = services_prep.version_add(
                actor=scope_for(request.user),
                prep=prep,
                body=form.cleaned_data["body"],
                upload=form.cleaned_data["docx"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, f"已保存{v.get_kind_display()}。")
            return redirect("activities:version_detail", v.pk)
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("activities:prep_detail", prep.pk)


def _get_version(request, pk: int) -> LessonPlanVersion:
    return get_object_for_user(
        request.user, LessonPlanVersion, LessonPlanVersion.objects.select_related("prep", "author", "based_on__author", "writing"), pk=pk
    )


@login_required
def version_detail(request, pk: int):
    v = _get_version(request, pk)
    me = _school_teacher(request, v.prep.school_id)
    # The linked 教学反思 keeps its own visibility (a private one stays private).
    if v.writing_id and not reflections.source().visible(request.user, v.writing_id) and not (me and me.pk == v.author_id):
        v.writing = None
    scope = scope_for(request.user)
    reviewer = scope.admin_of(v.prep.school_id) or scope.leads(v.author_id)
    copy = None
    if reviewer and v.copied_share:
        copy = {"share": v.copied_share, "sources": textsim.shown_sources(scope, v.body, v.copy_sources or [])}
    return render(
        request,
        "activities/version_detail.html",
        {
            "v": v,
            "copy": copy,
            "prep": v.prep,
            "can_reflect": me is not None and me.pk == v.author_id,
            "form": ReflectionForm(initial={"reflection": v.reflection}),
        },
    )


@login_required
@require_POST
def version_reflection(request, pk: int):
    v = _get_version(request, pk)
    form = ReflectionForm(request.POST, author=scope_for(request.user).teacher)  # one's own 教学反思 to link
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("activities:version_detail", v.pk)
    try:
        services_prep.version_reflect(
            actor=scope_for(request.user), version=v, text=form.cleaned_data["reflection"], writing=form.cleaned_data["writing"]
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "教后反思已保存。")
    return redirect("activities:version_detail", v.pk)


@login_required
def version_compare(request, pk: int):
    prep = _get_prep(request, pk)
    versions = list(prep.versions.select_related("author").order_by("created_at", "id"))
    by_id = {v.pk: v for v in versions}
    a = by_id.get(int_param(request.GET.get("a"))) or (versions[0] if versions else None)
    b = by_id.get(int_param(request.GET.get("b"))) or (versions[-1] if versions else None)
    rows = services_prep.compare(a.body, b.body) if a and b else []
    changed = sum(1 for r in rows if r["op"] != "equal")
    return render(
        request, "activities/compare.html", {"prep": prep, "versions": versions, "a": a, "b": b, "rows": rows, "changed": changed}
    )


# --- lesson study ----------------------------------------------------------------------


@login_required
def series_list(request):
    scope = scope_for(request.user)
    school = school_for_scope(scope, int_param(request.GET.get("school")))
    qs = (
        visible_to(request.user, LessonStudySeries)
        .filter(school_id=school.pk if school else -1)
        .select_related("group", "term__school_year")
        .annotate(round_count=Count("rounds"))
        .order_by("-created_at")
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request, "activities/series_list.html", {"page": page, "can_create": predicates.can_create_any(scope) and school is not None}
    )


@login_required
def series_create(request):
    scope = scope_for(request.user)
    school = school_for_scope(scope)
    if school is None or not predicates.can_create_any(scope) or (scope.school_id != school.pk and not scope.is_platform_admin):
        raise Http404
    form = SeriesForm(request.POST or None, scope=scope, school=school)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s = services_prep.series_create(
                actor=scope,
                school=school,
                term=current_term(school.pk),
                kind=d["kind"],
                title=d["title"],
                group=d["group"],
                goal=d["goal"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return redirect("activities:series_detail", s.pk)
    return render(request, "activities/series_form.html", {"form": form})


def _get_series(request, pk: int) -> LessonStudySeries:
    return get_object_for_user(request.user, LessonStudySeries, LessonStudySeries.objects.select_related("group", "school", "term"), pk=pk)


@login_required
def series_detail(request, pk: int):
    series = _get_series(request, pk)
    scope = scope_for(request.user)
    rounds = {r.activity_id: r for r in series.rounds.select_related("teacher")}
    activities = list(selectors.series_rounds(series))
    rows = [(rounds[a.pk], a) for a in activities]
    can_manage = predicates.can_manage_series(scope, series)
    form = RoundForm(school=series.school, term=series.term) if can_manage else None
    return render(request, "activities/series_detail.html", {"series": series, "rows": rows, "form": form, "can_manage": can_manage})


@login_required
@require_POST
def round_add(request, pk: int):
    series = _get_series(request, pk)
    form = RoundForm(request.POST, school=series.school, term=series.term)
    if form.is_valid():
        try:
            services_prep.round_add(actor=scope_for(request.user), series=series, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, "已加入一轮。")
    else:
        messages.error(request, "请选择一次活动。")
    return redirect("activities:series_detail", series.pk)
