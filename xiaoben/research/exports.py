"""Files of 课题与成果: the school's achievements (.xlsx), one row per achievement with its
teachers, plus a sheet of counts by kind × level. Returns (filename, mimetype, bytes).

Registered with the exporter registry (xiaoben/core/exporters.py)."""

from __future__ import annotations

import io

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.scope import Scope

from . import selectors
from .models import Level

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["日期", "类别", "名称", "级别", "等次", "颁发单位/刊物", "署名教师（份额）", "获奖学生", "状态", "奖励积分合计"]


def achievements_xlsx(*, actor: Scope, school_id: int, flt: selectors.AchievementFilter | None = None) -> tuple[str, str, bytes]:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from xiaoben.org.models import School

    flt = flt or selectors.AchievementFilter()
    school = School.objects.get(pk=school_id)
    wb = Workbook()
    ws = wb.active
    ws.title = "成果与荣誉"
    ws.append(HEADER)
    for c in ws[1]:
        c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    # Through the door: the actor exports only what they could open.
    for a in selectors.school_achievements(actor, school_id, flt).iterator(chunk_size=500):
        credits = list(a.credits.all())
        ws.append(
            [
                a.date,
                a.get_kind_display(),
                a.title,
                a.get_level_display(),
                a.get_rank_display(),
                a.issuer,
                "、".join(f"{c.teacher.name}（{c.share:.2f}）" if len(credits) > 1 else c.teacher.name for c in credits),
                a.students,
                a.get_status_display(),
                float(sum(c.points for c in credits)),
            ]
        )
    for col, width in zip("ABCDEFGHIJ", [12, 18, 40, 8, 10, 24, 28, 20, 8, 12], strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, max_col=1):
        for c in row:
            c.number_format = "yyyy-mm-dd"
    stats = selectors.achievement_stats(school_id, flt)
    ws2 = wb.create_sheet("按类别与级别统计")
    ws2.append(["类别（已认定，合作成果计一项）", *[str(lb) for _, lb in Level.choices], "合计"])
    for label, _k, counts, total in stats["rows"]:
        ws2.append([str(label), *counts, total])
    ws2.append(["合计", *stats["level_totals"], stats["total"]])
    ws2.append([])
    ws2.append(["获奖/发表人次", stats["person_times"]])
    ws2.column_dimensions["A"].width = 30
    buf = io.BytesIO()
    wb.save(buf)
    return f"{school.short_name or school.name}_成果与荣誉.xlsx", XLSX, buf.getvalue()


@register
class AchievementsExporter(Exporter):
    identifier = "research.achievements_xlsx"
    verbose_name = "成果与荣誉登记表"
    permission = "research:manage"
    category = "课题与成果"
    description = "全校成果与荣誉（每项一行，含署名教师与份额），附按类别、级别统计"

    def render(self, *, actor, params):
        return achievements_xlsx(actor=actor, school_id=actor.school_id)
