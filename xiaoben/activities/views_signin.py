"""签到: the host screen with a rotating QR code, and the phone side that scans it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from xiaoben.core.scope import scope_for

from . import predicates, services, signin
from .models import Activity, AttendanceStatus
from .views import get_activity


def _signin_url(request, activity: Activity) -> str:
    path = reverse("activities:checkin_token", args=[activity.pk, signin.token_for(activity.pk)])
    return request.build_absolute_uri(path)


@never_cache
@login_required
def host_screen(request, pk: int):
    """Shown on the classroom projector or the host's phone; the code refreshes every 30 s."""
    activity = get_activity(request, pk)
    if not predicates.can_run(scope_for(request.user), activity):
        raise Http404
    return render(request, "activities/host_screen.html", {"a": activity, **_qr_context(request, activity)})


@never_cache
@login_required
def host_qr(request, pk: int):
    """The htmx-polled fragment: a fresh QR code and the live count of who signed in."""
    activity = get_activity(request, pk)
    if not predicates.can_run(scope_for(request.user), activity):
        raise Http404
    return render(request, "activities/_host_qr.html", {"a": activity, **_qr_context(request, activity)})


def _qr_context(request, activity: Activity) -> dict:
    url = _signin_url(request, activity)
    present = list(activity.attendances.filter(status=AttendanceStatus.PRESENT).select_related("teacher").order_by("-signed_in_at")[:200])
    return {
        "guests": [a for a in present if a.is_guest],
        "can_mark": predicates.mark_refusal(scope_for(request.user), activity) is None,
        "qr_svg": signin.qr_svg(url),
        "signin_url": url,
        "seconds_left": signin.seconds_left(),
        "present": present,
        "invited_count": activity.attendances.count(),
        "window": services.sign_in_window(activity),
    }


@never_cache
def checkin_token(request, pk: int, token: str):
    """What the QR code opens. A valid (current or previous 30 s) token grants this
    browser a few minutes to finish signing in, even if it must log in first."""
    if not signin.token_valid(pk, token):
        return render(request, "activities/checkin_expired.html", {"pk": pk}, status=410)
    signin.grant(request.session, pk)
    return redirect("activities:checkin", pk)


@never_cache
@login_required
def checkin(request, pk: int):
    try:
        activity = get_activity(request, pk)
    except Http404:
        # another school's code, or an activity since deleted: say so kindly, with a way home
        return render(request, "activities/checkin_foreign.html", {"pk": pk}, status=404)
    scope = scope_for(request.user)
    if scope.teacher is None:
        raise Http404  # 签到 is a teacher's page
    granted = signin.has_grant(request.session, pk)
    att = activity.attendances.filter(teacher_id=scope.teacher_id).first()
    if request.method == "POST":
        if not granted:
            messages.error(request, "签到码已过期，请重新扫描主持人屏幕上的二维码。")
            return redirect("activities:checkin", pk)
        try:
            att = services.attendance_sign_in(actor=scope, activity=activity)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, "签到成功！")
            return redirect("activities:checkin", pk)
    return render(request, "activities/checkin.html", {"a": activity, "att": att, "granted": granted})
