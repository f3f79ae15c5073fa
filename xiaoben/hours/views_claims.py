"""学时申报 pages: a teacher's claims, the claim form, the approvers' queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.decorators import require_perm
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user

from . import predicates as can
from . import selectors, services
from .forms import ClaimForm, RejectForm
from .models import ClaimStatus, TrainingClaim


def _claim(request, pk: int) -> TrainingClaim:
    return get_object_for_user(request.user, TrainingClaim, TrainingClaim.objects.select_related("teacher", "school"), pk=pk)


def _apply_errors(form, e: ValidationError) -> None:
    if hasattr(e, "error_dict"):
        for field, errs in e.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, e.messages)


@require_perm("hours:claim")
def claims(request):
    scope = scope_for(request.user)
    if scope.teacher is None:
        raise Http404
    page = Paginator(selectors.claims_for_teacher(scope), 30).get_page(request.GET.get("page"))
    return render(request, "hours/claims.html", {"page": page, "can_review": _reviewer(scope)})


def _reviewer(scope) -> bool:
    return scope.can("hours:approve_school", scope.school_id) if scope.admin_school_ids else scope.can("hours:approve_region")


@require_perm("hours:claim")
def claim_new(request):
    scope = scope_for(request.user)
    if not can.can_claim(scope):
        raise Http404
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            claim = services.claim_submit(
                actor=scope,
                certificate=d["certificate"],
                **{k: d[k] for k in ("title", "organiser", "kind", "category", "start_date", "end_date", "hours")},
            )
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, "学时申报已提交，等待学校审核。")
            return redirect("hours:claim_detail", pk=claim.pk)
    return render(request, "hours/claim_form.html", {"form": form, "claim": None})


@login_required
def claim_detail(request, pk: int):
    claim = _claim(request, pk)
    scope = scope_for(request.user)
    reviews = claim.reviews.select_related("reviewer")
    return render(
        request,
        "hours/claim_detail.html",
        {
            "claim": claim,
            "reviews": reviews,
            "can_review": claim.status == ClaimStatus.PENDING and can.can_review(scope, claim),
            "can_resubmit": can.can_resubmit(scope, claim) and claim.status == ClaimStatus.REJECTED,
            "reject_form": RejectForm(),
        },
    )


@login_required
def claim_edit(request, pk: int):
    claim = _claim(request, pk)
    scope = scope_for(request.user)
    if not can.can_resubmit(scope, claim):  # the form is the teacher's own
        raise Http404
    if claim.status != ClaimStatus.REJECTED:
        messages.error(request, "只有被退回的申报才能修改后重新提交。")
        return redirect("hours:claim_detail", pk=claim.pk)
    initial = {f: getattr(claim, f) for f in ("kind", "title", "organiser", "start_date", "end_date", "hours", "category")}
    form = ClaimForm(request.POST or None, request.FILES or None, initial=initial, certificate_required=False)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.claim_resubmit(
                actor=scope,
                claim=claim,
                certificate=d.get("certificate"),
                **{k: d[k] for k in ("title", "organiser", "kind", "category", "start_date", "end_date", "hours")},
            )
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, "已修改并重新提交。")
            return redirect("hours:claim_detail", pk=claim.pk)
    return render(request, "hours/claim_form.html", {"form": form, "claim": claim})


@require_POST
@login_required
def claim_approve(request, pk: int):
    claim = _claim(request, pk)
    try:
        services.claim_approve(actor=scope_for(request.user), claim=claim, comment=request.POST.get("comment", ""))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"已通过「{claim.title}」。")
    if request.POST.get("next") == "review":
        return redirect("hours:review")
    return redirect("hours:claim_detail", pk=claim.pk)


@require_POST
@login_required
def claim_reject(request, pk: int):
    claim = _claim(request, pk)
    try:
        services.claim_reject(actor=scope_for(request.user), claim=claim, reason=request.POST.get("reason", ""))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"已退回「{claim.title}」，理由已通知老师。")
    return redirect("hours:claim_detail", pk=claim.pk)


@login_required
def review(request):
    scope = scope_for(request.user)
    if not (scope.is_platform_admin or _reviewer(scope)):
        raise Http404
    status = request.GET.get("status", ClaimStatus.PENDING)
    if status not in ClaimStatus.values and status != "all":
        status = ClaimStatus.PENDING
    qs = selectors.claims_to_review(scope=scope, status="" if status == "all" else status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "hours/review.html",
        {"page": page, "status": status, "statuses": [("pending", "待审核"), ("all", "全部")], "query": f"status={status}"},
    )
