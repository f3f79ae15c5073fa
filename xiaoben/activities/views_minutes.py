"""活动记录 (minutes) by the recorder: Quill editor, autosaved drafts, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xiaoben.core.html import clean_html
from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for

from . import flow, predicates, selectors, services
from .views import get_activity


@login_required
def minutes_edit(request, pk: int):
    activity = get_activity(request, pk)
    scope = scope_for(request.user)
    if not predicates.can_record(scope, activity):
        raise Http404  # the editor is the recorder's page; saving is checked by the service
    minutes = selectors.minutes_of(scope, activity)
    if request.method == "POST":
        if activity.status not in flow.MINUTES_EDITABLE:
            messages.error(request, f"“{activity.get_status_display()}”的活动不能修改记录。")
            return redirect("activities:detail", pk)
        try:
            version = int_param(request.POST.get("version"))
            services.minutes_save(
                actor=scope,
                activity=activity,
                html=request.POST.get("body", ""),
                expected_version=version,
                finish=bool(request.POST.get("finish")),
            )
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return render(
                request,
                "activities/minutes.html",
                {
                    "a": activity,
                    "minutes": minutes,
                    "content": clean_html(request.POST.get("body", "")),  # never echo the post unsanitised
                    "version": version if version is not None else services.minutes_editor_state(minutes)["version"],
                    "editable": True,
                },
                status=400,
            )
        messages.success(request, "活动记录已保存，参加者的学时已登记。" if request.POST.get("finish") else "活动记录已保存。")
        return redirect("activities:detail", pk)
    state = services.minutes_editor_state(minutes)
    return render(
        request,
        "activities/minutes.html",
        {
            "a": activity,
            "minutes": minutes,
            **state,
            "editable": activity.status in flow.MINUTES_EDITABLE,
            "finish": activity.status in flow.FINISH and activity.starts_at is not None and activity.starts_at <= timezone.now(),
        },
    )


@login_required
@require_POST
def minutes_autosave(request, pk: int):
    activity = get_activity(request, pk)
    try:
        minutes = services.minutes_autosave(
            actor=scope_for(request.user),
            activity=activity,
            html=request.POST.get("body", ""),
            expected_version=int_param(request.POST.get("version")),
        )
    except ValidationError as e:
        return JsonResponse({"ok": False, "error": "；".join(e.messages)}, status=409 if getattr(e, "code", None) == "conflict" else 400)
    return JsonResponse({"ok": True, "saved_at": timezone.localtime(minutes.draft_saved_at).strftime("%H:%M:%S")})


@login_required
@require_POST
def minutes_attach(request, pk: int):
    activity = get_activity(request, pk)
    try:
        services.minutes_attach(actor=scope_for(request.user), activity=activity, upload=request.FILES.get("file"))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "附件已上传。")
    return redirect("activities:minutes", pk)
