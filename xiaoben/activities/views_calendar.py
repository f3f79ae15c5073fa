"""Scheduling and calendars: weekly slots, a teacher's week and month, a group's and a
school's term, the 月度安排, the .ics feed, and the 外出学习汇报 list."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.org.models import Group
from xiaoben.org.selectors import current_term, school_for_scope, today

from . import ics, predicates, selectors, services
from .forms import SlotForm, parse_date
from .models import ActivityStatus
from .services_slots import slot_create


@login_required
def slot_new(request):
    """语文组每周五第3节集体备课: one form, the whole term scheduled."""
    scope = scope_for(request.user)
    if not predicates.can_create_any(scope) or scope.school_id is None:
        raise Http404
    school = school_for_scope(scope)
    term = current_term(school.pk)
    initial = {"start": max(today(), term.start_date) if term else today(), **selectors.slot_form_defaults(scope)}
    form = SlotForm(request.POST or None, scope=scope, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            slot, made = slot_create(
                actor=scope,
                school=school,
                term=term,
                group=d["group"],
                kind=d["kind"],
                title=d["title"],
                weekday=d["weekday"],
                period=d["period"],
                place=d["place"],
                host=d["host"],
                recorder=d["recorder"],
                start=d["start"] or max(today(), term.start_date),
                publish=d["publish"],
                topics=d.get("topics") or "",
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"已排定{slot}：本学期共 {len(made)} 次（已跳过节假日周）。每一次都可以单独修改。")
            return redirect(f"{_url('activities:group_term', d['group'].pk)}?slot={slot.pk}")
    return render(request, "activities/slot_form.html", {"form": form, "term": term, "school": school})


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@login_required
def my_week(request):
    scope = scope_for(request.user)
    if scope.teacher is None:
        return redirect("activities:school_term")
    day = parse_date(request.GET.get("date")) or today()
    monday = _monday(day)
    rows = selectors.activity_list(
        user=request.user, teacher_id=scope.teacher_id, start=monday, end=monday + dt.timedelta(days=6)
    ).order_by("starts_at")
    grouped = selectors.by_day(rows)
    term = current_term(scope.school_id, monday)
    return render(
        request,
        "activities/week.html",
        {
            "days": [(d, grouped.get(d, [])) for d in selectors.week_days(monday)],
            "monday": monday,
            "prev": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "week_no": term.week_of(monday) if term and term.contains(monday + dt.timedelta(days=4)) else None,
            "today": today(),
        },
    )


@login_required
def my_month(request):
    scope = scope_for(request.user)
    if scope.teacher is None:
        return redirect("activities:school_term")
    day = (parse_date(request.GET.get("date")) or today()).replace(day=1)
    last = (day + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    rows = selectors.activity_list(user=request.user, teacher_id=scope.teacher_id, start=day, end=last).order_by("starts_at")
    grouped = selectors.by_day(rows)
    weeks = [[(d, grouped.get(d, []) if d else []) for d in week] for week in selectors.month_grid(day)]
    return render(
        request,
        "activities/month.html",
        {
            "month": day,
            "weeks": weeks,
            "grouped": grouped,
            "prev": (day - dt.timedelta(days=1)).replace(day=1),
            "next": last + dt.timedelta(days=1),
            "today": today(),
        },
    )


@login_required
def group_term(request, pk: int):
    group = get_object_for_user(request.user, Group, Group.objects.select_related("school"), pk=pk)
    term = current_term(group.school_id)
    rows = selectors.activity_list(user=request.user, school_id=group.school_id, term_id=term.pk if term else -1, group_id=group.pk)
    new_slot = int_param(request.GET.get("slot"))
    if new_slot:
        rows = rows.filter(slot_id=new_slot)  # just scheduled: show what was generated
    scope = scope_for(request.user)
    return render(
        request,
        "activities/term.html",
        {
            "rows": rows.order_by("starts_at"),
            "term": term,
            "title": f"{group.name} · 本学期活动",
            "group": group,
            "new_slot": new_slot,
            "can_schedule": predicates.can_create(scope, group.school_id, group.pk),
        },
    )


@login_required
def school_term(request):
    scope = scope_for(request.user)
    school = school_for_scope(scope, int_param(request.GET.get("school")))
    if school is None:
        raise Http404
    term = current_term(school.pk)
    kind = request.GET.get("kind", "")
    rows = selectors.activity_list(user=request.user, school_id=school.pk, term_id=term.pk if term else -1, kind=kind)
    return render(
        request,
        "activities/term.html",
        {
            "rows": rows.exclude(status=ActivityStatus.CANCELLED).order_by("starts_at"),
            "term": term,
            "title": f"{school.short_name or school.name} · 学期活动",
            "school": school,
            "can_schedule": predicates.can_create_any(scope),
        },
    )


@login_required
def monthly(request):
    """月度安排 of the term, as written in the school's plan."""
    scope = scope_for(request.user)
    school = school_for_scope(scope, int_param(request.GET.get("school")))
    if school is None:
        raise Http404
    term = current_term(school.pk)
    group_id = int_param(request.GET.get("group"))
    rows = selectors.activity_list(user=request.user, school_id=school.pk, term_id=term.pk if term else -1, group_id=group_id).order_by(
        "starts_at", "pk"
    )
    groups = selectors.subject_groups(scope, school)
    return render(
        request,
        "activities/monthly.html",
        {"months": selectors.monthly_plan(rows), "term": term, "school": school, "groups": groups, "group_id": group_id},
    )


@login_required
def calendar_feed(request):
    """Shows the teacher's secret .ics address (and lets them change it)."""
    scope = scope_for(request.user)
    if scope.teacher is None:
        raise Http404
    feed = selectors.calendar_feed(scope)
    if request.method == "POST":
        services.calendar_feed_renew(actor=scope)
        messages.success(request, "已生成新的订阅地址，旧地址失效。")
        return redirect("activities:calendar_feed")
    url = request.build_absolute_uri(_url("activities:ics", feed.token)) if feed else ""
    return render(request, "activities/feed.html", {"feed": feed, "url": url})


def ics_feed(request, token: str):
    """The .ics file phone calendars fetch without a session: the secret token is the key."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        raise Http404
    body = ics.teacher_calendar(feed.teacher, host=request.get_host())
    resp = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = 'inline; filename="xiaoben.ics"'
    return resp


@login_required
def outside_reports(request):
    """外出学习汇报 owed in the school (late ones first) — for the 教导处."""
    scope = scope_for(request.user)
    school = school_for_scope(scope)
    if school is None or not scope.can("school:read", school_id=school.pk):
        raise Http404
    rows = sorted(selectors.outside_reports_owed(school_id=school.pk), key=lambda r: (not r["late"], r["due"]))
    return render(request, "activities/outside_reports.html", {"rows": rows, "school": school})
