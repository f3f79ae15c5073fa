"""Record, list and read observations (thin: parse, call a service, render)."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xiaoben.activities.models import Activity
from xiaoben.core.decorators import require_perm
from xiaoben.core.exporters import export_response
from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import attach_references, get_object_for_user, reference_for, visible_to
from xiaoben.org.selectors import current_term

from . import predicates as can
from . import selectors, services
from .forms import ObservationForm
from .models import Observation, ObservationKind, ObservationStatus
from .rubrics import item_choices, rubric_for_school

LINKABLE_ACTIVITY_KINDS = ["open_lesson", "same_topic", "lesson_study", "competition", "seminar"]


def _activities(scope):
    from xiaoben.activities.models import Activity

    term = current_term(scope.school_id)
    qs = visible_to(scope, Activity).filter(school_id=scope.school_id, kind__in=LINKABLE_ACTIVITY_KINDS)
    if term:
        qs = qs.filter(term=term)
    return qs.order_by("-starts_at")


def _mark_days_off(rows) -> None:
    """休息日 on a record made on a day off (allowed, but marked): one calendar query per school."""
    from xiaoben.org.calendar import SchoolCalendar

    by_school: dict = {}
    for o in rows:
        by_school.setdefault(o.school_id, []).append(o)
    for school_id, obs in by_school.items():
        days = [o.lesson_date for o in obs if o.lesson_date]
        if not days:
            continue
        cal = SchoolCalendar(school_id, min(days), max(days))
        for o in obs:
            o.day_off_name = cal.day_off_name(o.lesson_date) if o.lesson_date else ""


@login_required
def observation_list(request):
    scope = scope_for(request.user)
    school_id = scope.school_id
    terms = selectors.school_terms(school_id)
    term_id = int_param(request.GET.get("term"))
    frame = {}
    if term_id is None and "term" not in request.GET:
        cur = current_term(school_id)
        term_id = cur.pk if cur else None
        frame["current_term"] = cur  # the page frame's term, loaded already (core.context_processors)
    sees_others = scope.is_group_leader or scope.is_school_admin or scope.is_platform_admin
    role = request.GET.get("role", "given" if scope.teacher else "")
    if role not in ("given", "received", ""):
        role = "given"
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    backfilled = request.GET.get("backfilled") == "1"
    qs = selectors.observation_list(user=request.user, term_id=term_id, role=role, kind=kind, q=q, backfilled=backfilled)
    if request.GET.get("format") == "xlsx":
        return export_response(
            request, "observations.list_xlsx", {"term": term_id, "role": role, "kind": kind, "q": q, "backfilled": backfilled}
        )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    page.object_list = attach_references(scope, selectors.page_rows(page.object_list), "activity")
    _mark_days_off(page.object_list)
    drafts = list(selectors.my_drafts(user=request.user)[:5]) if scope.teacher else []
    return render(
        request,
        "observations/list.html",
        {
            "page": page,
            "terms": terms,
            "term_id": term_id,
            "role": role,
            "kind": kind,
            "kinds": ObservationKind.choices,
            "q": q,
            "backfilled": backfilled,
            "sees_others": sees_others,
            "drafts": drafts,
            "can_record": scope.teacher is not None,
            "query": f"term={term_id or ''}&role={role}&kind={kind}&q={q}&backfilled={'1' if backfilled else ''}",
            **frame,
        },
    )


DEFAULT_PERIOD_STARTS = ["08:00", "08:50", "09:50", "10:40", "13:30", "14:20", "15:10", "16:00"]


def _period_guess(school) -> int | None:
    """The lesson that started last (people record right after the lesson);
    school setting `period_starts`, e.g. ["08:00", "08:50", …]."""
    now = timezone.localtime().strftime("%H:%M")
    starts = school.setting("period_starts", DEFAULT_PERIOD_STARTS)
    started = [i for i, t in enumerate(starts, start=1) if t <= now]
    return started[-1] if started else None


def _score_rows(rubric, points: dict[int, Decimal]):
    rows, dim = [], None
    for item in rubric.items.all():
        choices = item_choices(item.max_points)
        value = points.get(item.pk)  # unscored until the observer taps: an untouched form is not 90分"优"
        rows.append({"item": item, "choices": choices, "value": value, "new_dim": item.dimension != dim})
        dim = item.dimension
    return rows


def _points_from_post(post) -> dict[int, str]:
    return {int(k[6:]): v for k, v in post.items() if k.startswith("score_") and k[6:].isdigit() and v != ""}


def _input(form, points) -> services.ObservationInput:
    d = form.cleaned_data
    return services.ObservationInput(
        teacher=d["teacher"],
        lesson_date=d["lesson_date"],
        lesson_title=d["lesson_title"],
        kind=d["kind"],
        period=d["period"],
        subject=d["subject"],
        grade=d["grade"],
        class_name=d["class_name"],
        activity=d["activity"],
        notes=d["notes"],
        strengths=d["strengths"],
        weaknesses=d["weaknesses"],
        suggestions=d["suggestions"],
        points=points,
    )


@require_perm("observations:write")
def observation_edit(request, pk: int | None = None):
    """Record an observation (new, or continue a draft). Phone first: few taps."""
    scope = scope_for(request.user)
    if scope.teacher is None:
        raise Http404
    obs = None
    if pk is not None:
        obs = get_object_for_user(request.user, Observation, Observation.objects.select_related("teacher", "rubric"), pk=pk)
        if obs.status != ObservationStatus.DRAFT or (request.method != "POST" and not can.can_write(scope, obs)):
            raise Http404  # the editor is the observer's page; a post is refused by the service
    rubric = obs.rubric if obs and obs.rubric_id else rubric_for_school(scope.teacher.school)
    activities = _activities(scope)
    if request.method == "POST":
        form = ObservationForm(request.POST, school_id=scope.school_id, activities=activities)
        points = _points_from_post(request.POST)
        obs = obs or _draft_from_post(request, scope)
        submit = request.POST.get("action") != "draft"
        token = (request.POST.get("form_token") or "")[:40]
        done = _created_by_token(scope, token) if obs is None else None
        if done is not None:  # the same form sent twice (double tap, resend): one record
            if done.status == ObservationStatus.SUBMITTED:
                return redirect("observations:detail", pk=done.pk)
            obs = done
        if form.is_valid():
            try:
                with transaction.atomic():
                    is_new = obs is None
                    obs = services.observation_save(
                        actor=scope,
                        data=_input(form, points),
                        submit=submit,
                        observation=obs,
                        expected_version=(obs.version if done is not None else form.cleaned_data.get("version")) if obs else None,
                        rubric=rubric,
                        form_token=token if is_new else "",
                    )
            except IntegrityError:  # a twin request created it a moment ago
                return redirect("observations:detail", pk=_created_by_token(scope, token).pk)
            except ValidationError as e:
                for m in e.messages:
                    form.add_error(None, m)
            else:
                clash = selectors.clash_warning(obs)
                if clash:
                    messages.warning(request, clash)
                if submit:
                    messages.success(request, "听课记录已提交，授课教师会收到评课意见。")
                    return redirect("observations:detail", pk=obs.pk)
                messages.success(request, "草稿已保存。")
                return redirect("observations:edit", pk=obs.pk)
        score_points = {k: Decimal(v) for k, v in points.items() if _decimal_ok(v)}
    else:
        if obs:
            initial = {
                f: getattr(obs, f)
                for f in [
                    "teacher",
                    "lesson_date",
                    "period",
                    "subject",
                    "grade",
                    "class_name",
                    "lesson_title",
                    "kind",
                    "activity",
                    "notes",
                    "strengths",
                    "weaknesses",
                    "suggestions",
                    "version",
                ]
            }
        else:
            initial = {"period": _period_guess(scope.teacher.school), **_prefill_from_query(request, scope)}
        form = ObservationForm(initial=initial, school_id=scope.school_id, activities=activities)
        score_points = {s.item_id: s.points for s in obs.scores.all()} if obs else {}
    return render(
        request,
        "observations/edit.html",
        {
            "form": form,
            "obs": obs,
            "form_token": (request.POST.get("form_token") or "")[:40] or uuid.uuid4().hex,
            "rubric": rubric,
            "scale_json": json.dumps(rubric.grade_scale, ensure_ascii=False),
            "score_rows": _score_rows(rubric, score_points),
            "kinds": ObservationKind.choices,
        },
    )


def _decimal_ok(v) -> bool:
    try:
        return Decimal(v).is_finite()
    except Exception:
        return False


def _created_by_token(scope, token: str):
    return selectors.created_by_token(scope, token)


def _draft_from_post(request, scope):
    """An autosaved draft id posted back with the form (only the observer's own draft)."""
    pk = int_param(request.POST.get("draft_id"))
    if not pk:
        return None
    return selectors.own_draft(scope, pk)


@require_POST
@require_perm("observations:write")
def observation_autosave(request):
    """Autosave a draft server-side (the page also keeps a copy in localStorage)."""
    scope = scope_for(request.user)
    if scope.teacher is None:
        raise Http404
    obs = _draft_from_post(request, scope)
    rubric = obs.rubric if obs and obs.rubric_id else rubric_for_school(scope.teacher.school)
    form = ObservationForm(request.POST, school_id=scope.school_id, activities=_activities(scope))
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": [str(e) for errs in form.errors.values() for e in errs]}, status=400)
    try:
        obs = services.observation_save(
            actor=scope,
            data=_input(form, _points_from_post(request.POST)),
            submit=False,
            observation=obs,
            expected_version=form.cleaned_data.get("version") if obs else None,
            rubric=rubric,
        )
    except ValidationError as e:
        return JsonResponse({"ok": False, "errors": e.messages}, status=409 if getattr(e, "code", None) == "conflict" else 400)
    return JsonResponse({"ok": True, "id": obs.pk, "version": obs.version, "saved_at": obs.updated_at.strftime("%H:%M:%S")})


@login_required
def teacher_search(request):
    """htmx: teachers of my school by name or pinyin initials ("zxm")."""
    teachers = selectors.teacher_search(user=request.user, q=request.GET.get("q", ""))
    return render(request, "observations/_teacher_results.html", {"teachers": teachers, "q": request.GET.get("q", "")})


@login_required
def observation_detail(request, pk: int):
    obs = get_object_for_user(request.user, Observation, selectors.observation_detail_qs(request.user), pk=pk)
    scope = scope_for(request.user)
    flags = (
        attach_references(scope, obs.flags.filter(resolved_at__isnull=True).select_related("similar_to__observer"), "similar_to")
        if (scope.admin_of(obs.school_id) or scope.is_group_leader)
        else []
    )
    activity = reference_for(scope, Activity, obs.activity_id)
    return render(
        request,
        "observations/detail.html",
        {
            "obs": obs,
            "rows": selectors.rubric_rows(obs),
            "is_observer": scope.is_self(obs.observer_id),
            "is_observed": scope.is_self(obs.teacher_id),
            "flags": flags,
            "activity": activity,
            "week": obs.term.week_of(obs.lesson_date),
            "clash": selectors.clash_warning(obs) if scope.is_self(obs.observer_id) or scope.admin_of(obs.school_id) else "",
        },
    )


@login_required
def observation_docx(request, pk: int):
    return export_response(request, "observations.record_docx", {"observation": pk})


@require_POST
@login_required
def observation_delete(request, pk: int):
    obs = get_object_for_user(request.user, Observation, pk=pk)
    try:
        services.observation_delete(actor=scope_for(request.user), observation=obs)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("observations:detail", pk=pk)
    messages.success(request, "听课记录已删除（管理员可恢复）。")
    return redirect("observations:list")


@require_POST
@login_required
def observation_withdraw(request, pk: int):
    obs = get_object_for_user(request.user, Observation, pk=pk)
    try:
        services.observation_withdraw(actor=scope_for(request.user), observation=obs)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("observations:detail", pk=pk)
    messages.success(request, "已撤回为草稿，修改后可再次提交。")
    return redirect("observations:edit", pk=pk)


def _prefill_from_query(request, scope) -> dict:
    """Links such as the mentoring page's "记一节听课" open the form with the teacher and
    kind chosen: ?teacher=<id>&kind=mentor. Only a colleague of the same school is taken."""
    from xiaoben.org.models import Teacher

    out: dict = {}
    tid = int_param(request.GET.get("teacher"))
    if tid:
        t = visible_to(request.user, Teacher).filter(pk=tid, school_id=scope.school_id, is_active=True).first()
        if t is not None and t.pk != scope.teacher_id:
            out.update(teacher=t.pk, subject=t.subject, grade=(t.grades or [None])[0], class_name=(t.classes or "").split("、")[0])
    kind = request.GET.get("kind", "")
    if kind in ObservationKind.values:
        out["kind"] = kind
    return out
