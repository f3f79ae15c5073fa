"""考核 for teachers and leaders: my sheets, one sheet with how each point was earned,
自评, 组长审核, 学校确认."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.scope import scope_for

from . import selectors, services
from .models import AssessmentResult, ResultStatus
from .predicates import can_manage, may_review


@login_required
def index(request):
    scope = scope_for(request.user)
    if scope.teacher is None and not scope.is_school_admin:
        raise Http404
    ctx = {
        "mine": list(selectors.my_results(scope.teacher)) if scope.teacher else [],
        "can_manage": scope.can("assessment:manage", scope.school_id),
        "review_count": selectors.review_queue(scope=scope, user=request.user).count()
        if scope.led_group_ids or scope.is_school_admin
        else 0,
    }
    if ctx["can_manage"]:
        ctx["schemes"] = list(selectors.scheme_list(user=request.user, school_id=scope.school_id)[:20])
    return render(request, "assessment/index.html", ctx)


@login_required
def review_queue(request):
    scope = scope_for(request.user)
    if not (scope.led_group_ids or scope.can("assessment:manage", scope.school_id)):
        raise Http404
    page = Paginator(selectors.review_queue(scope=scope, user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "assessment/review.html", {"page": page})


def _result(request, pk: int) -> AssessmentResult:
    return selectors.result_for(request.user, pk)


@login_required
def result_detail(request, pk: int):
    result = _result(request, pk)
    scope = scope_for(request.user)
    locked = result.is_locked or result.scheme.is_locked
    return render(
        request,
        "assessment/result.html",
        {
            "result": result,
            "scores": selectors.sheet(result),
            "own": scope.is_self(result.teacher_id),
            "can_self": scope.is_self(result.teacher_id) and result.status == ResultStatus.SELF and not locked,
            "can_review": not locked and result.status in (ResultStatus.REVIEW, ResultStatus.CONFIRM) and may_review(scope, result),
            "can_confirm": not locked and result.status == ResultStatus.CONFIRM and can_manage(scope, result.school_id),
            "locked": locked,
        },
    )


def _scores_from(post) -> dict[int, str]:
    out = {}
    for k, v in post.items():
        if k.startswith("score_") and k[6:].isdigit():
            out[int(k[6:])] = v.strip()
    return out


def _act(request, pk, fn, ok: str):
    result = _result(request, pk)
    try:
        fn(result)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, ok)
    return redirect("assessment:result", pk=result.pk)


@require_POST
@login_required
def result_self(request, pk: int):
    submit = request.POST.get("action") != "save"
    return _act(
        request,
        pk,
        lambda r: services.result_self_assess(
            actor=scope_for(request.user),
            result=r,
            scores=_scores_from(request.POST),
            comment=request.POST.get("comment", ""),
            submit=submit,
        ),
        "自评已提交，等待组长审核。" if submit else "已保存。",
    )


@require_POST
@login_required
def result_review(request, pk: int):
    return _act(
        request,
        pk,
        lambda r: services.result_review(
            actor=scope_for(request.user), result=r, scores=_scores_from(request.POST), comment=request.POST.get("comment", "")
        ),
        "审核完成，等待学校确认。",
    )


@require_POST
@login_required
def result_return(request, pk: int):
    return _act(
        request,
        pk,
        lambda r: services.result_return(actor=scope_for(request.user), result=r, reason=request.POST.get("reason", "")),
        "已退回重新自评。",
    )


@require_POST
@login_required
def result_confirm(request, pk: int):
    return _act(request, pk, lambda r: services.result_confirm(actor=scope_for(request.user), result=r), "已确认，考核结果锁定。")
