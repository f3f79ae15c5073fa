"""Home cards: a teacher's own progress bars and to-dos; an admin's school overview."""

from __future__ import annotations

from django.http import HttpRequest

from xiaoben.core.formatting import amount
from xiaoben.core.home import HomeCard
from xiaoben.core.scope import Scope
from xiaoben.org.models import Term

from .engine import Progress
from .models import Period, Status

MAX_BARS = 5


def _todos(progress: list[Progress]) -> list[str]:
    """What to do now: this week's/month's open bucket not yet met, and anything behind."""
    out = []
    for p in progress:
        r = p.requirement
        if r.is_bucketed and p.buckets and p.buckets[-1].open and not p.buckets[-1].met:
            when = {Period.WEEK.value: "本周", Period.TWO_WEEK.value: "这两周"}.get(r.period, "本月")
            m = r.metric_obj
            if m is None:
                continue
            need = amount(r.threshold - p.buckets[-1].value)
            out.append(f"{when}还需{m.label_for(r.filters)}{need}{m.unit}（{r.name}）")
        elif p.status == Status.BEHIND and not r.is_bucketed:
            out.append(p.message())
    return out[:4]


def cards(request: HttpRequest, scope: Scope, term: Term | None) -> list[HomeCard]:
    from .engine import progress_for_school
    from .selectors import teacher_progress

    if term is None:
        return []
    out = []
    if scope.teacher is not None and scope.teacher.school_id == term.school_id:
        progress = teacher_progress(request, scope.teacher, term)
        if progress:
            rank = {Status.BEHIND.value: 0, Status.ON_TRACK.value: 1, Status.MET.value: 2}
            ordered = sorted(progress, key=lambda p: (rank[p.status], p.requirement.order))
            out.append(
                HomeCard(
                    template="requirements/_home_card.html", context={"progress": ordered[:MAX_BARS], "todos": _todos(progress)}, order=20
                )
            )
    is_admin = scope.admin_of(term.school_id) and not scope.is_platform_admin
    if not is_admin and scope.led_group_ids and scope.teacher and scope.teacher.school_id == term.school_id:
        out.append(_group_card(scope, term))
    if is_admin:
        grid = progress_for_school(term.school, term)
        if grid is not None:
            summary = grid.summary()
            out.append(
                HomeCard(
                    template="requirements/_home_school.html",
                    context={"columns": [(r, summary[r.pk]) for r in grid.requirements], "can_manage": True},
                    order=21,
                )
            )
    return out


def _group_card(scope: Scope, term: Term) -> HomeCard:
    """A 组长's groups: how many members are behind on anything (one grid, a few queries)."""
    from xiaoben.org.models import Group, GroupMembership

    from .engine import progress_for_school

    grid = progress_for_school(term.school, term)
    behind = set(grid.behind()) if grid else set()
    groups = list(Group.objects.filter(pk__in=scope.led_group_ids, is_active=True).order_by("kind", "name"))
    members: dict[int, set[int]] = {}
    for gid, tid in GroupMembership.objects.filter(group_id__in=[g.pk for g in groups]).values_list("group_id", "teacher_id"):
        members.setdefault(gid, set()).add(tid)
    rows = [(g, len(members.get(g.pk, ())), len(members.get(g.pk, set()) & behind)) for g in groups]
    rows.sort(key=lambda r: (r[0].kind != "subject", r[0].name))
    return HomeCard(template="requirements/_home_groups.html", context={"rows": rows}, order=22)
