"""学时 ledger pages: a teacher's ledger, the school's statistics, import, 学时证明."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from xiaoben.core.dbrouter import replica_view
from xiaoben.core.decorators import require_perm
from xiaoben.core.exporters import export_response
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import School, Teacher
from xiaoben.org.selectors import today

from . import importer, selectors, services
from . import predicates as can
from .forms import HoursSettingsForm, ImportForm
from .models import HourCategory, ImportBatch


def _year(request) -> int:
    try:
        y = int(request.GET.get("year", ""))
        return y if 2000 <= y <= 2100 else today().year
    except ValueError:
        return today().year


def _file(name: str, mimetype: str, data: bytes) -> HttpResponse:
    r = HttpResponse(data, content_type=mimetype)
    r["Content-Disposition"] = content_disposition_header(True, name)
    return r


def _ledger_teacher(request, pk: int) -> Teacher:
    """Self, or an admin of the teacher's school; anyone else gets 404."""
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("school"), pk=pk)
    scope = scope_for(request.user)
    if not (scope.is_self(teacher.pk) or scope.admin_of(teacher.school_id)):
        raise Http404
    return teacher


def _render_ledger(request, teacher: Teacher):
    scope = scope_for(request.user)
    year = _year(request)
    category = request.GET.get("category", "")
    if category not in HourCategory.values:
        category = ""
    entries = selectors.ledger_entries(user=request.user, teacher=teacher, year=year, category=category)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    claim_ids = selectors.claim_ids_of(page.object_list)
    for e in page.object_list:
        e.claim_pk = claim_ids.get(e.pk)
    return render(
        request,
        "hours/ledger.html",
        {
            "teacher": teacher,
            "own": scope.is_self(teacher.pk),
            "summary": selectors.ledger_summary(teacher, year),
            "year": year,
            "years": selectors.ledger_years(teacher, today()),
            "category": category,
            "categories": HourCategory.choices,
            "page": page,
            "activity_link": "activities:detail",
            "query": f"year={year}&category={category}",
        },
    )


@login_required
def ledger(request):
    scope = scope_for(request.user)
    if scope.teacher is None:
        if scope.can("hours:approve_school", scope.school_id):
            return redirect("hours:stats")
        if scope.can("hours:approve_region"):
            return redirect("hours:review")
        raise Http404
    return _render_ledger(request, scope.teacher)


@login_required
def teacher_ledger(request, pk: int):
    return _render_ledger(request, _ledger_teacher(request, pk))


@login_required
def certificate(request, pk: int):
    teacher = _ledger_teacher(request, pk)
    return export_response(request, "hours.certificate_docx", {"teacher": teacher.pk, "year": _year(request)})


def _admin_school(request) -> School:
    """The school whose 学时 pages an admin opens: their own (anyone else: 404)."""
    scope = scope_for(request.user)
    sid = scope.school_id
    if sid is None or not can.can_manage_school(scope, sid):
        raise Http404
    return get_object_for_user(request.user, School, pk=sid)


@require_perm("hours:approve_school")
def stats(request):
    school = _admin_school(request)
    year = _year(request)
    q = request.GET.get("q", "").strip()[:30]
    page = Paginator(selectors.school_hour_stats(school=school, year=year, search=q), 50).get_page(request.GET.get("page"))
    base = selectors.targets_for(school, year)
    for t in page:  # a joiner's target is their share of the year
        t.year_target = base.for_teacher(t, year).year
    return render(
        request,
        "hours/stats.html",
        {
            "school": school,
            "year": year,
            "years": list(range(today().year, today().year - 6, -1)),
            "q": q,
            "page": page,
            "overview": selectors.school_year_overview(school, year),
            "categories": HourCategory.choices,
            "query": f"year={year}&q={q}",
        },
    )


@require_perm("hours:approve_school")
def stats_export(request):
    _admin_school(request)
    return export_response(request, "hours.stats_xlsx", {"year": _year(request)})


@require_perm("hours:approve_school")
def import_hours(request):
    school = _admin_school(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = importer.hours_import(actor=scope_for(request.user), school=school, upload=form.cleaned_data["file"])
        except ValidationError as e:
            form.add_error("file", e)
        else:
            if not result.errors:
                messages.success(
                    request,
                    f"导入完成：新增 {result.created} 条、共 {result.total_hours} 学时；{result.skipped} 条此前已导入，已跳过。",
                )
                return redirect("hours:import")
    batches = visible_to(request.user, ImportBatch).filter(school=school).select_related("uploaded_by")[:20]
    return render(request, "hours/import.html", {"form": form, "result": result, "batches": batches, "school": school})


@require_perm("hours:approve_school")
def hours_settings(request):
    school = _admin_school(request)
    t = selectors.targets_for(school, today().year)
    initial = {
        "hours_year_target": int(t.year),
        "hours_cycle_target": int(t.cycle),
        "hours_cycle_start_year": t.cycle_start,
        "claim_chain": ",".join(services.claim_chain_for(school)),
    }
    form = HoursSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.hours_settings_update(
                actor=scope_for(request.user),
                school=school,
                year_target=d["hours_year_target"],
                cycle_target=d["hours_cycle_target"],
                cycle_start_year=d["hours_cycle_start_year"],
                chain=d["claim_chain"].split(","),
            )
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            messages.success(request, "学时设置已保存。")
            return redirect("hours:stats")
    return render(request, "hours/settings.html", {"form": form, "school": school})


@require_perm("region:read")
@replica_view
def region_stats(request):
    """教研员: the region's schools side by side (aggregates only, no teacher names)."""
    scope = scope_for(request.user)
    year = _year(request)
    return render(
        request,
        "hours/region.html",
        {
            "rows": selectors.region_hour_stats(school_ids=selectors.region_school_ids(scope), year=year),
            "year": year,
            "years": list(range(today().year, today().year - 6, -1)),
            "categories": HourCategory.choices,
        },
    )
