"""Reads of the reports app: which summary a person may open, the draft prose, rows behind a figure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import reverse

from xiaoben.core.params import int_param
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import Group, Region, School, SchoolYear, Term
from xiaoben.org.selectors import current_term
from xiaoben.reportkit import summary as sm

from .models import DocumentTemplate, ExportJob, SummaryDraft, TermClosure, TermClosureLog


def period_for(scope: Scope, params: Mapping[str, Any]) -> sm.Period:
    """The summary a request asks for, if this person may have it; 404 otherwise.

    params: term (id), kind (term|year), group (id) — or region=1, year, number for a 教研员."""
    if params.get("region"):
        return region_period_for(scope, params)
    group = None
    gid = int_param(params.get("group"))
    if gid is None and scope.led_group_ids and not scope.can("reports:export", school_id=scope.school_id):
        # a 教研组长 opening 工作总结 gets their own 教研组's (a 备课组 only when they lead no 教研组)
        led = list(Group.objects.filter(pk__in=scope.led_group_ids).order_by("parent_id", "kind", "pk"))
        gid = next((g.pk for g in led if g.kind == "subject"), led[0].pk if led else None)
    if gid:
        group = get_object_for_user(scope, Group, Group.objects.select_related("school"), pk=gid)
        if not (scope.admin_of(group.school_id) or group.pk in scope.led_group_ids):
            raise Http404
    term_id = int_param(params.get("term"))
    if term_id:
        term = get_object_for_user(scope, Term, Term.objects.select_related("school_year", "school"), pk=term_id)
    else:
        school_id = group.school_id if group else scope.school_id
        current = current_term(school_id) if school_id else None
        if current is None:
            raise Http404
        term = Term.objects.select_related("school_year", "school").get(pk=current.pk)
    if group is not None:
        if group.school_id != term.school_id:
            raise Http404
    elif not scope.can("reports:export", school_id=term.school_id):
        raise Http404
    if params.get("kind") == "year":
        return sm.year_period(term, group=group)
    return sm.term_period(term, group=group)


def region_root(scope: Scope) -> Region | None:
    if not scope.region_ids:
        return None
    regions = list(Region.objects.filter(pk__in=scope.region_ids))
    return next((r for r in regions if r.parent_id not in scope.region_ids), None)


def region_period_for(scope: Scope, params: Mapping[str, Any]) -> sm.Period:
    region = region_root(scope)
    if region is None or not scope.can("region:read"):
        raise Http404
    from xiaoben.org.selectors import today

    d = today()
    default_year = d.year if d.month >= 8 else d.year - 1
    year = int_param(params.get("year")) or default_year
    number = int_param(params.get("number"))
    if number is None and params.get("kind") != "year":
        number = 1 if d.month >= 8 or d.month == 1 else 2
    return sm.region_period(region, school_ids=sorted(scope.region_school_ids), start_year=year, number=number or None)


def draft_for(period: sm.Period) -> SummaryDraft | None:
    return SummaryDraft.objects.filter(**draft_key(period)).first()


def draft_key(period: sm.Period) -> dict[str, Any]:
    if period.region is not None:
        return {"school": None, "region": period.region, "group": None, "period_key": period.key}
    return {"school": period.schools[0], "region": None, "group": period.group, "period_key": period.key}


def period_query(period: sm.Period) -> str:
    """The query string that names this summary (for links: rows, save, docx)."""
    if period.region is not None:
        year = period.key.split(":")[1]
        number = period.key.split(":")[2]
        return f"region=1&year={year}&number={number}" + ("&kind=year" if number == "0" else "")
    q = f"term={period.terms[-1].pk if period.kind == 'term' else period.terms[0].pk}&kind={period.kind}"
    if period.group is not None:
        q += f"&group={period.group.pk}"
    return q


def figure_rows(scope: Scope, period: sm.Period, key: str) -> tuple[sm.Figure, QuerySet[Model]]:
    """(figure, visible rows queryset) for the figure `key`, or Http404."""
    sm.build(period, only=key.split(".")[0])
    fig = period.figures.get(key)
    if fig is None or fig.rows is None:
        raise Http404
    model = fig.rows.model
    rows = visible_to(scope, model, fig.rows)
    return fig, rows


class Unfinished(TypedDict):
    kind: str
    title: str
    url: str


def unfinished_for_term(term: Term) -> list[Unfinished]:
    """What is still open before a term is closed, each with a link: drafts not submitted,
    activities held but not recorded, training claims pending, mentoring 月报表 missing."""

    from xiaoben.activities.models import Activity
    from xiaoben.hours.models import TrainingClaim
    from xiaoben.observations.models import Observation
    from xiaoben.writings.models import Writing

    out: list[Unfinished] = []
    for o in Observation.objects.filter(term=term, status="draft").select_related("observer", "teacher").order_by("lesson_date")[:200]:
        out.append(
            {
                "kind": "听课记录草稿",
                "title": f"{o.observer.name}听{o.teacher.name}的课（{o.lesson_date:%m-%d}）",
                "url": reverse("observations:detail", args=[o.pk]),
            }
        )
    for w in Writing.objects.filter(term=term, status="draft").select_related("author").order_by("written_on")[:200]:
        out.append({"kind": "文章草稿", "title": f"{w.author.name}《{w.title}》", "url": reverse("writings:detail", args=[w.pk])})
    for a in Activity.objects.filter(term=term, school=term.school, status="held").order_by("starts_at")[:200]:
        out.append({"kind": "活动未记录", "title": a.title, "url": reverse("activities:detail", args=[a.pk])})
    for c in TrainingClaim.objects.filter(
        school=term.school, status="pending", start_date__lte=term.end_date, end_date__gte=term.start_date
    ).select_related("teacher")[:200]:
        out.append({"kind": "学时申报待审", "title": f"{c.teacher.name}《{c.title}》", "url": reverse("hours:claim_detail", args=[c.pk])})
    try:
        from xiaoben.mentoring import selectors as ms
        from xiaoben.mentoring.models import Mentorship
        from xiaoben.org.selectors import today

        pairs = list(
            Mentorship.objects.filter(school=term.school, school_year=term.school_year, is_active=True).select_related("mentor", "mentee")
        )
        progress = [ms.PairProgress(pair=p) for p in pairs]
        bounds = (max(ms.year_bounds(term.school_year)[0], term.start_date), min(ms.year_bounds(term.school_year)[1], term.end_date))
        ms.attach_report_status(
            progress,
            bounds=bounds,
            today=min(today(), term.end_date + __import__("datetime").timedelta(days=31)),
            grace=ms.grace_days(term.school),
        )
        for pp in progress:
            for m in pp.overdue_months:
                out.append(
                    {
                        "kind": "月报表未交",
                        "title": f"{pp.pair.mentor.name}—{pp.pair.mentee.name} {m.year}年{m.month}月",
                        "url": reverse("mentoring:detail", args=[pp.pair.pk]),
                    }
                )
    except ImportError:
        pass

    return out


# —— pages: 学期归档, 档案袋, 工作总结, 文档模板 ——


def school_terms(school_id: int) -> list[Term]:
    """The school's terms, newest first."""
    return list(Term.objects.filter(school_id=school_id).select_related("school_year").order_by("-start_date"))


def term_closures(terms: list[Term]) -> dict[int, TermClosure]:
    """term id → its closure, for the terms that have one."""
    return {c.term_id: c for c in TermClosure.objects.filter(term__in=terms)}


def term_closure(term: Term) -> TermClosure | None:
    return TermClosure.objects.filter(term=term).first()


def term_closure_log(term: Term, limit: int = 20) -> list[TermClosureLog]:
    return list(TermClosureLog.objects.filter(term=term).select_related("user")[:limit])


def term_archive_job(term: Term) -> ExportJob | None:
    """The newest 归档包 job of the term (the archive being built, or built)."""
    return ExportJob.objects.filter(identifier="reports.term_archive_zip", params__term=term.pk).order_by("-created_at").first()


def school_years(school_id: int) -> list[SchoolYear]:
    """The school's years, newest first (a 档案袋's choices)."""
    return list(SchoolYear.objects.filter(school_id=school_id).order_by("-start_year"))


def summary_groups(scope: Scope, school_id: int) -> list[Group]:
    """The 教研组 whose 工作总结 the person may open: all of the school for its admins, their own for a 组长."""
    groups = Group.objects.filter(school_id=school_id, is_active=True, kind="subject").order_by("name")
    if not scope.admin_of(school_id):
        groups = groups.filter(pk__in=scope.led_group_ids)
    return list(groups)


def template_school(scope: Scope) -> School:
    """The school whose document templates the person manages (404 without 报表导出 there)."""
    if not scope.school_id or not scope.can("reports:export", school_id=scope.school_id):
        raise Http404
    return get_object_for_user(scope, School, pk=scope.school_id)


def template_history(school: School, document: str, limit: int = 5) -> list[DocumentTemplate]:
    return list(DocumentTemplate.objects.filter(school=school, document=document)[:limit])
