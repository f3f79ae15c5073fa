"""The comparison of schools as .xlsx, through the reports exporter registry."""

from __future__ import annotations

import io

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.scope import Scope
from xiaoben.org.selectors import today

from . import comparison, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@register
class ComparisonExporter(Exporter):
    identifier = "region.comparison_xlsx"
    verbose_name = "区域学校对比表"
    permission = "region:read"
    category = "区域"
    description = "本学期各校活动、听课、学时、文章与共享的汇总对比（只含汇总数）。"

    def render(self, *, actor: Scope, params: dict) -> tuple[str, str, bytes]:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        start, end = selectors.term_window()
        data = comparison.compare(actor, start=start, end=end, year=today().year)
        wb = Workbook()
        ws = wb.active
        ws.title = "学校对比"
        ws.append([f"区域学校对比（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）"])
        ws["A1"].font = Font(bold=True, size=14)
        head = [
            "学校",
            "教师",
            "活动合计",
            *[str(label) for _k, label in data["kinds"]],
            "听课",
            "人均听课",
            "人均学时",
            "学时达标人数",
            "学时达标率%",
            "文章",
            "人均文章",
            "疑似/确认抄袭",
            "抄袭占比%",
            "共享到区域",
        ]
        ws.append(head)
        for c in ws[2]:
            c.font = Font(bold=True)
        for r in data["rows"]:
            ws.append(
                [
                    r["school"].name,
                    r["teachers"],
                    r["activities"],
                    *r["by_kind"],
                    r["observations"],
                    r["obs_per_teacher"],
                    r["hours_per_teacher"],
                    r["hours_met"],
                    r["hours_met_share"],
                    r["writings"],
                    r["writings_per_teacher"],
                    r["copied"],
                    r["copied_share"],
                    r["shared"],
                ]
            )
        ws.column_dimensions["A"].width = 24
        buf = io.BytesIO()
        wb.save(buf)
        return "区域学校对比.xlsx", XLSX, buf.getvalue()
