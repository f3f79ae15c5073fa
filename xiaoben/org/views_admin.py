"""School admin pages: teachers, groups, terms, roster import/export, structure analysis.

Every page needs `org:manage` in the school it is about (the analysis also opens
to `school:read` and to a 教研员 for the region's schools); anyone else gets 404."""

from __future__ import annotations

import base64
import secrets
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiaoben.core.decorators import AuthedRequest
from xiaoben.core.exporters import export_response
from xiaoben.core.params import int_param
from xiaoben.core.scope import Scope, scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from . import analysis as analysis_mod
from . import predicates as can
from . import roster, selectors, services
from .forms import GroupForm, RosterImportForm, TeacherForm, TermForm
from .models import Group, School, Teacher, Term

M = TypeVar("M", bound=Model)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _admin_school(request: HttpRequest) -> School:
    """The school being managed: one's own, or (platform admin) the requested one. Its pages
    open to those who may manage it (the services ask the same predicate before each write)."""
    scope = scope_for(request.user)
    requested = int_param(request.GET.get("school") or request.POST.get("school"))
    school = selectors.school_for_scope(scope, requested)
    if school is None or (requested and school.pk != requested) or not can.can_manage_school(scope, school.pk):
        raise Http404
    return school


def _managed(request: HttpRequest, obj: M) -> M:
    """A record (found through the door) of a school the person manages, for a form page."""
    if not can.can_manage_school(scope_for(request.user), getattr(obj, "school_id", None)):
        raise Http404
    return obj


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def _errors(form: forms.Form, e: ValidationError) -> None:
    for msg in e.messages:
        form.add_error(None, msg)


# ---------------------------------------------------------------- teachers


@login_required
def teacher_new(request: AuthedRequest) -> HttpResponse:
    school = _admin_school(request)
    form = TeacherForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            password = services.temporary_password()
            with transaction.atomic():
                teacher = services.teacher_create(
                    actor=scope_for(request.user),
                    school=school,
                    staff_no=form.cleaned_data["staff_no"],
                    phone=form.cleaned_data["phone"] or None,
                    password=password,
                    must_change_password=True,
                    **(form.profile() | {"joined_on": form.cleaned_data["joined_on"] or selectors.today()}),
                )
                services.honours_replace(actor=scope_for(request.user), teacher=teacher, honours=form.cleaned_data["honours"])
        except ValidationError as e:
            _errors(form, e)
        else:
            return render(request, "org/password_done.html", {"teacher": teacher, "password": password, "created": True})
    return render(request, "org/teacher_form.html", {"form": form, "school": school, "teacher": None})


@login_required
def teacher_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    teacher = _managed(request, get_object_for_user(request.user, Teacher, Teacher.objects.select_related("user", "school"), pk=pk))
    form = TeacherForm(request.POST or None, school=teacher.school, teacher=teacher, initial=TeacherForm.initial_for(teacher))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.teacher_update(
                    actor=scope_for(request.user),
                    teacher=teacher,
                    expected_version=form.cleaned_data["version"],
                    phone=form.cleaned_data["phone"],
                    **form.profile(),
                )
                services.honours_replace(actor=scope_for(request.user), teacher=teacher, honours=form.cleaned_data["honours"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, f"已保存 {teacher.name} 的资料。")
            return redirect("org:teacher_detail", pk=teacher.pk)
    return render(request, "org/teacher_form.html", {"form": form, "school": teacher.school, "teacher": teacher})


@login_required
@require_POST
def teacher_active(request: AuthedRequest, pk: int) -> HttpResponse:
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("user"), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.teacher_set_active(actor=scope_for(request.user), teacher=teacher, active=active)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("org:teacher_detail", pk=teacher.pk)
    messages.success(
        request, f"已{'恢复' if active else '停用'} {teacher.name}。{'' if active else '其历史记录全部保留，账号不能再登录。'}"
    )
    return redirect("org:teacher_detail", pk=teacher.pk) if active else redirect("org:teachers_inactive")


@login_required
@require_POST
def teacher_password(request: AuthedRequest, pk: int) -> HttpResponse:
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("user"), pk=pk)
    password = services.teacher_password_reset(actor=scope_for(request.user), teacher=teacher)
    return render(request, "org/password_done.html", {"teacher": teacher, "password": password, "created": False})


@login_required
def teachers_inactive(request: AuthedRequest) -> HttpResponse:
    school = _admin_school(request)
    rows = selectors.inactive_teachers(scope_for(request.user), school)
    return render(request, "org/teachers_inactive.html", {"teachers": rows, "school": school})


# ---------------------------------------------------------------- groups


def _save_group(actor: Scope, form: GroupForm, school: School, group: Group | None) -> Group:
    d = form.cleaned_data
    with transaction.atomic():
        if group is None:
            group = services.group_create(
                actor=actor,
                school=school,
                kind=d["kind"],
                name=d["name"].strip(),
                parent=d["parent"],
                subject=d["subject"],
                grade=d["grade"],
            )
        else:
            services.group_update(
                actor=actor,
                group=group,
                kind=d["kind"],
                name=d["name"].strip(),
                parent=d["parent"],
                subject=d["subject"],
                grade=d["grade"],
                is_active=d.get("is_active", True),
            )
        services.group_set_members(
            actor=actor,
            group=group,
            leader_ids=[t.pk for t in d["leaders"]],
            deputy_ids=[t.pk for t in d["deputies"]],
            member_ids=[t.pk for t in d["members"]],
        )
    return group


@login_required
def group_new(request: AuthedRequest) -> HttpResponse:
    school = _admin_school(request)
    form = GroupForm(request.POST or None, school=school, initial={"kind": request.GET.get("kind", "subject")})
    if request.method == "POST" and form.is_valid():
        try:
            group = _save_group(scope_for(request.user), form, school, None)
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, f"已建立「{group.name}」。")
            return redirect("org:group_detail", pk=group.pk)
    return render(request, "org/group_form.html", {"form": form, "school": school, "group": None})


@login_required
def group_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    group = _managed(request, get_object_for_user(request.user, Group, Group.objects.select_related("school"), pk=pk))
    form = GroupForm(request.POST or None, school=group.school, group=group, initial=GroupForm.initial_for(group))
    if request.method == "POST" and form.is_valid():
        try:
            _save_group(scope_for(request.user), form, group.school, group)
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, f"已保存「{group.name}」。")
            return redirect("org:group_detail", pk=group.pk)
    return render(request, "org/group_form.html", {"form": form, "school": group.school, "group": group})


# ---------------------------------------------------------------- terms


@login_required
def term_new(request: AuthedRequest) -> HttpResponse:
    school = _admin_school(request)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            term = services.term_create(
                actor=scope_for(request.user),
                school=school,
                start_year=d["start_year"],
                number=d["number"],
                start_date=d["start_date"],
                end_date=d["end_date"],
                holiday_weeks=d["holiday_weeks"],
            )
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, f"已建立{term.name}。")
            return redirect("org:terms")
    return render(request, "org/term_form.html", {"form": form, "school": school, "term": None})


@login_required
def term_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    term = _managed(request, get_object_for_user(request.user, Term, Term.objects.select_related("school_year", "school"), pk=pk))
    initial = {
        "start_year": term.school_year.start_year,
        "number": term.number,
        "start_date": term.start_date,
        "end_date": term.end_date,
        "holiday_weeks": term.holiday_weeks,
    }
    form = TermForm(request.POST or None, term=term, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                services.term_update(
                    actor=scope_for(request.user),
                    term=term,
                    start_date=d["start_date"],
                    end_date=d["end_date"],
                    holiday_weeks=d["holiday_weeks"],
                )
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, f"已保存{term.name}。")
            return redirect("org:terms")
    return render(request, "org/term_form.html", {"form": form, "school": term.school, "term": term})


# ---------------------------------------------------------------- roster


@login_required
def roster_template(request: AuthedRequest) -> HttpResponse:
    school = _admin_school(request)
    return export_response(request, "org.roster_template_xlsx", {"school": school.pk})


@login_required
def roster_export(request: AuthedRequest) -> HttpResponse:
    school = _admin_school(request)
    return export_response(request, "org.roster_xlsx", {"school": school.pk})


@login_required
@require_POST
def school_archive(request: AuthedRequest) -> HttpResponse:
    """学校全部数据导出 (no lock-in): every record with its history, the files, readable sheets."""
    from urllib.parse import quote

    from .portability import school_archive as build

    school = _admin_school(request)
    resp = HttpResponse(build(actor=scope_for(request.user), school=school), content_type="application/zip")
    name = f"{school.short_name or school.name}-全部数据-{selectors.today():%Y%m%d}.zip"
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


PREVIEW_MAX_BYTES = 5 * 1024 * 1024


@login_required
def roster_import(request: AuthedRequest) -> HttpResponse:
    """Upload → check (preview) → confirm with one click; or import directly when
    “只检查” is unticked. The checked file waits in the session until confirmed."""
    school = _admin_school(request)
    report, token, password = None, "", ""
    form = RosterImportForm(initial={"initial_password": roster.suggest_password()})
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.pop(f"roster:{request.POST['confirm']}", None)
        if pending is None or pending["school"] != school.pk:
            messages.error(request, "预览已过期，请重新上传文件。")
            return redirect(request.get_full_path())
        upload = SimpleUploadedFile(pending["name"], base64.b64decode(pending["data"]))
        password = pending["password"]
        try:
            report = roster.roster_import(actor=scope_for(request.user), school=school, upload=upload, initial_password=password)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    elif request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            password = d["initial_password"]
            try:
                report = roster.roster_import(
                    actor=scope_for(request.user), school=school, upload=d["file"], initial_password=password, dry_run=d["dry_run"]
                )
            except ValidationError as e:
                form.add_error("initial_password", e)
            else:
                if d["dry_run"] and report.ok and d["file"].size <= PREVIEW_MAX_BYTES:
                    token = secrets.token_urlsafe(12)
                    d["file"].seek(0)
                    request.session[f"roster:{token}"] = {
                        "school": school.pk,
                        "name": d["file"].name,
                        "data": base64.b64encode(d["file"].read()).decode(),
                        "password": password,
                    }
    return render(
        request,
        "org/roster_import.html",
        {
            "form": form,
            "school": school,
            "report": report,
            "token": token,
            "preview": [roster.preview_row(r) for r in report.rows[:50]] if report else [],
            "initial_password": password if report and report.saved else "",
            "columns": roster.COLUMNS,
        },
    )


# ---------------------------------------------------------------- structure analysis


def _analysis_school(request: AuthedRequest) -> tuple[School, list[School]]:
    scope = scope_for(request.user)
    requested = int_param(request.GET.get("school"))
    school = selectors.school_for_scope(scope, requested)
    if requested and (school is None or school.pk != requested):
        raise Http404  # asked for a school out of reach: no silent fallback to another one
    if school is None and scope.region_school_ids:
        school = selectors.first_region_school(scope)
    if school is None or not can.can_analyse(scope, school.pk):
        raise Http404
    choices = []
    if scope.is_platform_admin or scope.region_school_ids:
        choices = [s for s in visible_to(request.user, School).order_by("id") if can.can_analyse(scope, s.pk)]
    return school, choices


@login_required
def analysis(request: AuthedRequest) -> HttpResponse:
    school, choices = _analysis_school(request)
    result = analysis_mod.structure_analysis(school=school, on=selectors.today())
    c = result.charts
    return render(
        request,
        "org/analysis.html",
        {
            "a": result,
            "tables": [
                (c["age"], "年龄结构", result.age_bands),
                (c["five"], "年龄分布（五岁一段）", result.five_year),
                (c["education"], "学历结构", result.education),
                (c["titles"], "职称结构（正高/副高/中级/初级）", result.title_bands),
                (None, "职称明细", result.titles),
                (c["teaching"], "教龄结构", result.teaching_bands),
                (c["gender"], "性别结构", result.gender),
            ],
            "school": school,
            "school_choices": choices,
            "export_url": reverse("org:analysis_export") + f"?school={school.pk}",
        },
    )


@login_required
def analysis_export(request: AuthedRequest) -> HttpResponse:
    school, _ = _analysis_school(request)
    result = analysis_mod.structure_analysis(school=school, on=selectors.today())
    return _xlsx(analysis_mod.export_workbook(result), f"{school.short_name or school.name}教师队伍结构分析.xlsx")


@login_required
def calendar(request: AuthedRequest) -> HttpResponse:
    """校历: the national holidays and 调休 of the term, and the school's own days over them."""
    from .calendar import for_term
    from .forms import CalendarDayForm
    from .models import CalendarDay

    school = _admin_school(request)
    scope = scope_for(request.user)
    terms = list(visible_to(request.user, Term).filter(school=school).select_related("school_year"))
    term = (
        next((t for t in terms if str(t.pk) == request.GET.get("term")), None)
        or selectors.current_term(school.pk)
        or (terms[0] if terms else None)
    )
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("delete"):
            day = get_object_for_user(request.user, CalendarDay, pk=request.POST["delete"])
            services.calendar_day_delete(actor=scope, day=day)
            messages.success(request, f"已恢复 {day.date:%Y-%m-%d} 为国家默认安排。")
            return redirect(f"{reverse('org:calendar')}?term={term.pk if term else ''}")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.calendar_day_set(
                    actor=scope, school=school, date=d["date"], kind=d["kind"], name=d["name"], follows_weekday=d["follows_weekday"]
                )
            except ValidationError as e:
                _errors(form, e)
            else:
                messages.success(request, f"已保存 {d['date']:%Y-%m-%d}。")
                return redirect(f"{reverse('org:calendar')}?term={term.pk if term else ''}")
    days = []
    if term is not None:
        cal = for_term(term)
        own = {c.date: c for c in selectors.calendar_days(scope, school, term.start_date, term.end_date)}
        days = [(d, own.get(d.date)) for day, d in sorted(cal.days.items()) if term.start_date <= day <= term.end_date]
    return render(
        request,
        "org/calendar.html",
        {"school": school, "term": term, "terms": terms, "days": days, "form": form, "weeks": term.teaching_weeks() if term else []},
    )
