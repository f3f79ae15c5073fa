"""存在问题 hints from the progress engine: the requirements most teachers are behind on."""

from __future__ import annotations

from xiaoben.reportkit.summary import Section, section

from .engine import progress_for_school


@section("requirements", title="量化要求完成情况", order=80, levels=("school",))
def requirements_section(period):
    if not period.is_term:
        return None
    grid = progress_for_school(period.schools[0], period.terms[0], on=min(period.end, _today()))
    if grid is None or not grid.requirements:
        return None
    summary = grid.summary()
    worst = sorted(((s["behind"], r) for r in grid.requirements if (s := summary[r.pk])["behind"]), key=lambda x: -x[0])[:3]
    sec = Section()
    for behind, r in worst:
        sec.problems.append(f"“{r}”有{behind}名教师尚未达到进度要求。")
    if worst:
        sec.next_steps.append("对照量化要求逐项检查，教研组长每月提醒进度落后的教师。")
    return sec


def _today():
    from xiaoben.org.selectors import today

    return today()
