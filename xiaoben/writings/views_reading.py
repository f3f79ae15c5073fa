"""Reading: the teacher's shelf, the school's recommended list, the similarity setting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.decorators import require_perm
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.selectors import current_term, school_for_scope

from . import detection, selectors, services
from . import predicates as can
from .forms import BookForm, RecommendedForm, ThresholdForm
from .models import BOOK_KINDS, Book, RecommendedBook, Writing


def _teacher(request):
    scope = scope_for(request.user)
    if scope.teacher is None:
        raise Http404
    return scope


@login_required
def shelf(request):
    """我的书架: this school year's books, their notes, and the year's 读书笔记 characters."""
    scope = _teacher(request)
    teacher = scope.teacher
    term = current_term(teacher.school_id)
    if term is None:
        raise Http404
    year = term.school_year
    books = list(selectors.shelf(user=request.user, teacher_id=teacher.pk, school_year_id=year.pk))
    notes = (
        visible_to(request.user, Writing)
        .filter(author=teacher, kind__in=BOOK_KINDS, term__school_year=year)
        .select_related("book")
        .order_by("-written_on", "-id")
    )
    reading = selectors.reading_progress(teacher, term)
    return render(
        request,
        "writings/shelf.html",
        {
            "year": year,
            "books": books,
            "notes": notes[:50],
            "reading": reading,
            "form": BookForm(),
            "recommended": selectors.recommended_list(user=request.user, school_id=teacher.school_id)[:100],
            "on_shelf": {b.recommended_id for b in books if b.recommended_id},
        },
    )


@login_required
@require_POST
def book_add(request):
    scope = scope_for(request.user)
    rec_id = request.POST.get("recommended")
    rec = get_object_for_user(request.user, RecommendedBook, pk=rec_id) if rec_id else None
    form = BookForm(request.POST) if rec is None else None
    try:
        if rec is not None:
            services.book_add(actor=scope, title=rec.title, author=rec.author, isbn=rec.isbn, recommended=rec)
        elif form.is_valid():
            services.book_add(actor=scope, **form.cleaned_data)
        else:
            raise ValidationError("请填写书名。")
        messages.success(request, "已放上书架。")
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect("writings:shelf")


@login_required
def book_detail(request, pk: int):
    book = get_object_for_user(request.user, Book, Book.objects.select_related("teacher", "school_year"), pk=pk)
    notes = visible_to(request.user, Writing).filter(book=book).order_by("-written_on", "-id")
    return render(
        request, "writings/book.html", {"book": book, "notes": notes, "is_mine": scope_for(request.user).is_self(book.teacher_id)}
    )


@login_required
def recommended(request):
    """The school's recommended reading list; its admins add and remove titles here."""
    scope = scope_for(request.user)
    school = school_for_scope(scope) if scope.school_id else None
    if school is None:
        raise Http404
    form = RecommendedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommended_add(school=school, actor=scope, **form.cleaned_data)
            messages.success(request, "已加入推荐书目。")
            return redirect("writings:recommended")
        except ValidationError as e:
            form.add_error(None, e)
    rows = selectors.recommended_list(user=request.user, school_id=school.pk)
    return render(
        request,
        "writings/recommended.html",
        {"rows": rows, "form": form, "can_manage": can.can_manage_school(scope, school.pk), "school": school},
    )


@login_required
@require_POST
def recommended_delete(request, pk: int):
    row = get_object_for_user(request.user, RecommendedBook, pk=pk)
    services.recommended_delete(row=row, actor=scope_for(request.user))
    messages.success(request, "已从推荐书目中移除。")
    return redirect("writings:recommended")


@require_perm("school:manage")
def settings_page(request):
    """查重设置: from what 复制比 the reviewer is warned, and whether flagged writings count meanwhile."""
    scope = scope_for(request.user)
    school = school_for_scope(scope) if scope.school_id else None
    if school is None:
        raise Http404
    initial = {"percent": round(detection.threshold(school) * 100), "counts_before_review": detection.counts_before_review(school)}
    form = ThresholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.copy_settings_set(
                school=school,
                actor=scope,
                threshold=form.cleaned_data["percent"] / 100,
                counts_before_review=form.cleaned_data["counts_before_review"],
            )
            messages.success(request, "查重设置已保存。")
            return redirect("writings:settings")
        except ValidationError as e:
            form.add_error(None, e)
    return render(request, "writings/settings.html", {"form": form, "school": school})
