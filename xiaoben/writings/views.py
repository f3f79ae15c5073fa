"""Pages for writings: list, editor (with autosave), detail, flow actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiaoben.activities.models import Activity
from xiaoben.core.concurrency import ConflictError
from xiaoben.core.html import clean_html
from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.observations.models import Observation
from xiaoben.org.selectors import current_term, school_for_scope

from . import detection, selectors, services
from . import predicates as can
from .forms import ReviewForm, WritingForm
from .models import Book, Writing, WritingKind, WritingStatus

TABS = {"mine": "我的文章", "review": "待我审阅", "shared": "同事分享"}


def _teacher_scope(request):
    """Writing is for teachers: people without a teacher profile have no editor (the page's gate;
    the services check every write again)."""
    scope = scope_for(request.user)
    if not can.can_write(scope):
        raise Http404
    return scope


@login_required
def writing_list(request):
    scope = scope_for(request.user)
    # A 教研员 reads what the region's schools share with the region (submitted, 区域共享).
    region_reader = scope.teacher is None and scope.is_region_staff and not scope.is_school_admin
    tabs = {"shared": "区域共享"} if region_reader else TABS
    default = "mine" if scope.teacher else ("shared" if region_reader else "review")
    tab = request.GET.get("tab", default)
    if tab not in tabs:
        tab = default
    kind, status, q = request.GET.get("kind", ""), request.GET.get("status", ""), request.GET.get("q", "").strip()
    term = current_term(scope.school_id)
    term_id = int_param(request.GET.get("term")) or (term.pk if term and tab == "mine" else None)
    qs = selectors.writing_list(user=request.user, scope=scope, tab=tab, kind=kind, status=status, term_id=term_id, q=q)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    school = scope.teacher.school if scope.teacher else school_for_scope(scope)
    return render(
        request,
        "writings/list.html",
        {
            "page": page,
            "tab": tab,
            "tabs": tabs,
            "kind": kind,
            "status": status,
            "q": q,
            "kinds": WritingKind.choices,
            "statuses": WritingStatus.choices,
            "term": term,
            "threshold": detection.threshold(school) if school else detection.DEFAULT_THRESHOLD,
            "can_write": scope.teacher is not None,
            "can_review": scope.can("writings:review"),
            "can_export": bool(scope.school_id) and scope.can("reports:export", school_id=scope.school_id),
            "query": f"tab={tab}&kind={kind}&status={status}&q={q}" + (f"&term={term_id}" if term_id else ""),
        },
    )


def _form_kwargs(request, scope):
    term = current_term(scope.teacher.school_id)
    books = selectors.books_to_pick(user=request.user, teacher_id=scope.teacher_id)[:100]
    observations = (
        visible_to(request.user, Observation)
        .filter(observer_id=scope.teacher_id, term=term)
        .select_related("teacher")
        .order_by("-lesson_date")[:50]
    )
    activities = visible_to(request.user, Activity).filter(term=term).order_by("-starts_at")[:50]
    return {"books": list(books), "observations": list(observations), "activities": list(activities)}


def _fields(form, request) -> dict:
    """Form data → service arguments, with linked records fetched through the door."""
    d = form.cleaned_data
    out = {k: d[k] for k in ("kind", "sub_kind", "title", "written_on", "visibility", "body")}
    out["title"] = out["title"] or ""
    out["visibility"] = out["visibility"] or "school"
    out["book"] = get_object_for_user(request.user, Book, pk=d["book"]) if d.get("book") else None
    out["observation"] = get_object_for_user(request.user, Observation, pk=d["observation"]) if d.get("observation") else None
    out["activity"] = get_object_for_user(request.user, Activity, pk=d["activity"]) if d.get("activity") else None
    return out


def _render_form(request, form, writing=None):
    body = clean_html(form.data.get("body", "") if form.is_bound else form.initial.get("body", ""))
    return render(
        request,
        "writings/form.html",
        {
            "form": form,
            "writing": writing,
            "body_html": body,
            "server_saved_at": int(writing.updated_at.timestamp() * 1000) if writing else 0,
            "autosave_url": reverse("writings:autosave", args=[writing.pk]) if writing else reverse("writings:autosave_new"),
        },
    )


@login_required
def writing_create(request):
    scope = _teacher_scope(request)
    kwargs = _form_kwargs(request, scope)
    if request.method == "POST":
        form = WritingForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                fields = _fields(form, request)
                fields["title"] = fields["title"] or ""
                w = services.writing_create(actor=scope, **fields)
                if "submit" in request.POST:
                    services.writing_submit(writing=w, actor=scope)
                    messages.success(request, "已提交。")
                else:
                    messages.success(request, "草稿已保存。")
                return redirect(reverse("writings:detail", args=[w.pk]) + "?saved=new")
            except ValidationError as e:
                form.add_error(None, e)
        return _render_form(request, form)
    initial = {"kind": request.GET.get("kind", WritingKind.REFLECTION), "book": int_param(request.GET.get("book"))}
    return _render_form(request, WritingForm(initial=initial, **kwargs))


@login_required
def writing_edit(request, pk: int):
    scope = _teacher_scope(request)
    w = get_object_for_user(request.user, Writing, pk=pk)
    if request.method != "POST" and not can.can_edit(scope, w):
        raise Http404  # the editor is the author's page; a post is refused by the service
    if w.status != WritingStatus.DRAFT:
        messages.info(request, "已提交的文章不能修改；如需修改，请先撤回。")
        return redirect("writings:detail", w.pk)
    kwargs = _form_kwargs(request, scope)
    if request.method == "POST":
        form = WritingForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                version = form.cleaned_data["version"]  # required: a copy without it could overwrite a newer save
                services.writing_update(writing=w, actor=scope, expected_version=version, **_fields(form, request))
                if "submit" in request.POST:
                    services.writing_submit(writing=w, actor=scope)
                    messages.success(request, "已提交。")
                else:
                    messages.success(request, "已保存。")
                return redirect(reverse("writings:detail", args=[w.pk]) + f"?saved={w.pk}")
            except ValidationError as e:
                form.add_error(None, e)
        return _render_form(request, form, w)
    initial = {f: getattr(w, f) for f in ("kind", "sub_kind", "title", "written_on", "visibility", "body", "version")}
    initial.update(book=w.book_id, observation=w.observation_id, activity=w.activity_id)
    return _render_form(request, WritingForm(initial=initial, **kwargs), w)


def _autosave(request, writing):
    scope = _teacher_scope(request)
    form = WritingForm(request.POST, **_form_kwargs(request, scope))
    if not form.is_valid():
        return JsonResponse({"ok": False, "error": "；".join(m for errs in form.errors.values() for m in errs)}, status=400)
    fields = _fields(form, request)
    fields["title"] = fields["title"] or "未命名草稿"
    try:
        if writing is None:
            writing = services.writing_create(actor=scope, **fields)
        else:
            services.writing_update(
                writing=writing, actor=scope, expected_version=form.cleaned_data["version"] or 0, record=False, **fields
            )
    except ConflictError as e:
        return JsonResponse({"ok": False, "error": e.messages[0], "conflict": True}, status=409)
    except ValidationError as e:
        return JsonResponse({"ok": False, "error": "；".join(e.messages)}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "id": writing.pk,
            "version": writing.version,
            "char_count": writing.char_count,
            "saved_at": int(writing.updated_at.timestamp() * 1000),
            "edit_url": reverse("writings:edit", args=[writing.pk]),
            "autosave_url": reverse("writings:autosave", args=[writing.pk]),
        }
    )


@login_required
@require_POST
def autosave_new(request):
    return _autosave(request, None)


@login_required
@require_POST
def autosave(request, pk: int):
    return _autosave(request, get_object_for_user(request.user, Writing, pk=pk))


@login_required
def writing_detail(request, pk: int):
    w = get_object_for_user(
        request.user, Writing, Writing.objects.select_related("author", "school", "term__school_year", "book", "reviewed_by"), pk=pk
    )
    scope = scope_for(request.user)
    reviewer = can.can_review(scope, w)
    return render(
        request,
        "writings/detail.html",
        {
            "w": w,
            "is_author": can.can_edit(scope, w),
            "can_review": reviewer and w.status == WritingStatus.SUBMITTED,
            "report": selectors.copy_report(w, scope) if reviewer else None,
            "can_decide": reviewer and w.status != WritingStatus.DRAFT and w.copied_share is not None,
            "review_form": ReviewForm(),
        },
    )


def _action(request, pk, fn, done: str, **extra):
    scope = scope_for(request.user)
    w = get_object_for_user(request.user, Writing, pk=pk)
    try:
        fn(writing=w, actor=scope, **extra)
        messages.success(request, done)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return w


@login_required
@require_POST
def writing_submit(request, pk: int):
    w = _action(request, pk, services.writing_submit, "已提交，等待组长或教导处审阅。")
    return redirect("writings:detail", w.pk)


@login_required
@require_POST
def writing_withdraw(request, pk: int):
    w = _action(request, pk, services.writing_withdraw, "已撤回为草稿，可以继续修改。")
    return redirect("writings:detail", w.pk)


@login_required
@require_POST
def writing_review(request, pk: int):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "审阅意见不能超过2000字。")
        return redirect("writings:detail", pk)
    d = form.cleaned_data
    w = _action(request, pk, services.writing_review, "已审阅。", comment=d["comment"], excellent=d["excellent"])
    return redirect("writings:detail", w.pk)


@login_required
@require_POST
def writing_copy_decide(request, pk: int):
    labels = {"cleared": "已核实为原创。", "returned": "已退回作者重写。", "confirmed": "已确认抄袭，这篇文章不计入统计。"}
    decision = request.POST.get("decision", "")
    w = _action(
        request, pk, services.writing_copy_decide, labels.get(decision, "已保存。"), decision=decision, note=request.POST.get("note", "")
    )
    return redirect("writings:detail", w.pk)


@login_required
@require_POST
def writing_delete(request, pk: int):
    w = _action(request, pk, services.writing_delete, "草稿已删除。")
    if w.deleted_at:
        return redirect("writings:list")
    return redirect("writings:detail", w.pk)
