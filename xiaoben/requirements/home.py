"""Home cards: a teacher's own progress bars and to-dos; an admin's school overview."""

from __future__ import annotations

from xiaoben.core.home import HomeCard

from .models import Period, Status

MAX_BARS = 5


def _todos(progress) -> list[str]:
    """What to do now: this week's/month's open bucket not yet met, and anything behind."""
    out = []
    for p in progress:
        r = p.requirement
        if r.is_bucketed and p.buckets and p.buckets[-1].open and not p.buckets[-1].met:
            when = "本周" if r.period == Period.WEEK else "本月"
            out.append(f"{when}还需完成：{r.name}")
        elif p.status == Status.BEHIND and not r.is_bucketed:
            out.append(p.message())
    return out[:4]


def cards(request, scope, term) -> list[HomeCard]:
    from .engine import progress_for_school, progress_for_teacher

    if term is None:
        return []
    out = []
    if scope.teacher is not None and scope.teacher.school_id == term.school_id:
        progress = progress_for_teacher(scope.teacher, term)
        if progress:
            ordered = sorted(progress, key=lambda p: ({Status.BEHIND: 0, Status.ON_TRACK: 1, Status.MET: 2}[p.status], p.requirement.order))
            out.append(
                HomeCard(
                    template="requirements/_home_card.html", context={"progress": ordered[:MAX_BARS], "todos": _todos(progress)}, order=20
                )
            )
    if scope.admin_of(term.school_id) and not scope.is_platform_admin:
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
