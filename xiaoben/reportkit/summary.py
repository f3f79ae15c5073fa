"""学期/学年 校本研修工作总结: a registry of sections, each a provider in its app's
`summary.py`, writing deterministic sentences around figures that link to their rows.

    from xiaoben.reportkit.summary import Figure, P, Section, section

    @section("observations", title="听课评课", order=40)
    def observations(period):
        qs = Observation.objects.filter(period.q(school="school", term="term"), status="submitted")
        total = period.figure("observations.total", "听课总节数", qs, unit="节")
        return Section(paragraphs=[P("全学期共听课{total}。", total=total)])

A Figure is (key, label, value, unit) plus the queryset of the rows behind it; the page
prints its value as a link to /reports/summary/…/rows/<key>/, which lists exactly those
rows (through the door). Numbers are computed every time; only the prose is stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Model, Q, QuerySet, Sum

from xiaoben.core.appmodules import app_modules
from xiaoben.core.formatting import num
from xiaoben.core.records import RecordRow
from xiaoben.org.models import Group, GroupMembership, Region, School, Teacher, Term

# How a row behind a figure is listed (date, title, detail, link).
Describe = Callable[[Model], RecordRow | dict[str, Any]]


@dataclass
class Period:
    """What a summary covers: schools × terms (a term, or both terms of a school year),
    optionally one group (with its 备课组), for a school, a group or a region."""

    kind: str  # "term" | "year"
    key: str  # "term:12" | "year:2026"
    label: str  # 2026-2027学年第一学期
    schools: list[School]
    terms: list[Term]
    start: dt.date
    end: dt.date
    group: Group | None = None
    region: Region | None = None
    group_ids: list[int] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def school_ids(self) -> list[int]:
        return [s.pk for s in self.schools]

    @property
    def term_ids(self) -> list[int]:
        return [t.pk for t in self.terms]

    @property
    def owner_name(self) -> str:
        if self.group:
            return f"{self.schools[0].name}{self.group.name}"
        if self.region:
            return self.region.name
        return self.schools[0].name

    @property
    def is_term(self) -> bool:
        return self.kind == "term"

    @property
    def word(self) -> str:
        """本学期 / 本学年 — how the summary refers to its own period."""
        return "本学期" if self.is_term else "本学年"

    def q(self, *, school: str | None = "school", term: str | None = "term", teacher: str | None = None, group: str | None = None) -> Q:
        """The period's filter on a model: school and term paths, and for a group summary the
        group path (activities) or the teacher path (a member's records)."""
        q = Q()
        if school:
            q &= Q(**{f"{school}_id__in": self.school_ids})
        if term:
            q &= Q(**{f"{term}_id__in": self.term_ids})
        if self.group is not None:
            if group:
                q &= Q(**{f"{group}_id__in": self.group_ids})
            elif teacher:
                q &= Q(**{f"{teacher}_id__in": self.member_ids})
        return q

    def dates(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.start, f"{path}__lte": self.end})

    def teachers(self) -> QuerySet[Teacher]:
        qs = Teacher.objects.filter(school_id__in=self.school_ids, is_active=True)
        if self.group is not None:
            qs = qs.filter(pk__in=self.member_ids)
        return qs

    # -- figures -------------------------------------------------------
    def figure(
        self,
        key: str,
        label: str,
        qs: QuerySet[Any] | None,
        *,
        unit: str = "",
        value: int | Decimal | None = None,
        total: str | None = None,
        describe: Describe | None = None,
    ) -> Figure:
        """Register a figure: its value is `value`, or the sum of `total` over qs, or qs.count()."""
        if value is None:
            if qs is None:
                value = 0
            elif total:
                value = qs.aggregate(v=Sum(total))["v"] or Decimal(0)
            else:
                value = qs.count()
        fig = Figure(
            key=key, label=str(label), value=value, unit=unit, rows=qs, describe=describe, is_count=not total and unit not in ("学时", "字")
        )
        self.figures[key] = fig
        return fig

    def counts_by(self, qs: QuerySet[Any], field_name: str) -> dict[str, int]:
        return {k: n for k, n in qs.order_by().values_list(field_name).annotate(n=Count("pk", distinct=True))}


@dataclass
class Figure:
    key: str
    label: str
    value: int | Decimal
    unit: str = ""
    rows: QuerySet[Any] | None = None
    describe: Describe | None = None
    is_count: bool = True  # the value is the number of rows (not a sum over them)

    @property
    def text(self) -> str:
        return f"{num(self.value)}{self.unit}"

    def __str__(self) -> str:
        return self.text


class P(list[Any]):
    """A paragraph: text chunks and Figures. P("共听课{n}，人均{avg}节。", n=fig, avg="3.2")."""

    def __init__(self, template: str = "", **values: Any) -> None:
        super().__init__()
        for part in re.split(r"(\{\w+\})", template):
            if not part:
                continue
            m = re.fullmatch(r"\{(\w+)\}", part)
            self.append(values[m.group(1)] if m else part)

    @property
    def text(self) -> str:
        return "".join(c.text if isinstance(c, Figure) else str(c) for c in self)


@dataclass
class Section:
    paragraphs: list[P] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # hints for 存在问题
    next_steps: list[str] = field(default_factory=list)  # hints for 下一步打算
    table: tuple[list[str], list[list[Any]]] | None = None
    key: str = ""
    title: str = ""
    order: int = 0


@dataclass(frozen=True)
class SectionProvider:
    key: str
    title: str
    order: int
    fn: Callable[[Period], Section | None]
    levels: tuple[str, ...] = ("school", "group", "region")


_SECTIONS: dict[str, SectionProvider] = {}
_LOADED = False


Provider = Callable[["Period"], Section | None]


def section(
    key: str, *, title: str, order: int = 50, levels: tuple[str, ...] = ("school", "group", "region")
) -> Callable[[Provider], Provider]:
    """Register a section provider (in `<app>/summary.py`)."""

    def deco(fn: Provider) -> Provider:
        _SECTIONS[key] = SectionProvider(key=key, title=title, order=order, fn=fn, levels=levels)
        return fn

    return deco


def _autodiscover() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    app_modules("summary")


def providers() -> list[SectionProvider]:
    _autodiscover()
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def level_of(period: Period) -> str:
    return "group" if period.group else "region" if period.region else "school"


def build(period: Period, *, only: str | None = None) -> list[Section]:
    """Every section for the period (or the one owning figure prefix `only`)."""
    out = []
    level = level_of(period)
    for p in providers():
        if level not in p.levels or (only and p.key != only):
            continue
        sec = p.fn(period)
        if sec is None:
            continue
        sec.key, sec.title, sec.order = p.key, sec.title or p.title, p.order
        out.append(sec)
    return out


# -- periods ----------------------------------------------------------------


def term_period(term: Term, *, group: Group | None = None) -> Period:
    return _with_group(
        Period(
            kind="term",
            key=f"term:{term.pk}",
            label=term.name,
            schools=[term.school],
            terms=[term],
            start=term.start_date,
            end=term.end_date,
        ),
        group,
    )


def year_period(term: Term, *, group: Group | None = None) -> Period:
    terms = sorted(Term.objects.filter(school_year_id=term.school_year_id).select_related("school_year", "school"), key=lambda t: t.number)
    sy = term.school_year
    return _with_group(
        Period(
            kind="year",
            key=f"year:{sy.start_year}",
            label=sy.name,
            schools=[term.school],
            terms=terms,
            start=min(t.start_date for t in terms),
            end=max(t.end_date for t in terms),
        ),
        group,
    )


def region_period(region: Region, *, school_ids: list[int], start_year: int, number: int | None) -> Period:
    """The region's schools' terms of one school year (number=None: the whole year)."""
    terms = list(Term.objects.filter(school_id__in=school_ids, school_year__start_year=start_year).select_related("school_year", "school"))
    if number:
        terms = [t for t in terms if t.number == number]
    schools = sorted({t.school for t in terms}, key=lambda s: s.pk)
    label = f"{start_year}-{start_year + 1}学年" + ({1: "第一学期", 2: "第二学期"}.get(number or 0, ""))
    return Period(
        kind="term" if number else "year",
        key=f"region:{start_year}:{number or 0}",
        label=label,
        schools=schools,
        terms=terms,
        start=min((t.start_date for t in terms), default=dt.date(start_year, 9, 1)),
        end=max((t.end_date for t in terms), default=dt.date(start_year + 1, 7, 31)),
        region=region,
    )


def _with_group(period: Period, group: Group | None) -> Period:
    if group is None:
        return period
    period.group = group
    period.group_ids = [group.pk, *Group.objects.filter(parent_id=group.pk).values_list("pk", flat=True)]
    period.member_ids = list(GroupMembership.objects.filter(group_id__in=period.group_ids).values_list("teacher_id", flat=True).distinct())
    return period


def join(items: list[str], sep: str = "、") -> str:
    return sep.join(i for i in items if i)
