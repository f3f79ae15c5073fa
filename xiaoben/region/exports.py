"""The comparison of schools as .xlsx, through the reports exporter registry."""

from __future__ import annotations

import io

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.scope import Scope
from xiaoben.org.selectors import term_window, today

from . import comparison

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@register
class ComparisonExporter(Exporter):
    identifier = "region.comparison_xlsx"
    verbose_name = "区域学校对比表"
    permission = "region:read"
    category = "区域"
    description = "本学期各校活动、听课、学时、区域要求达标率、文章与共享、课题与成果的汇总对比（只含汇总数）。"

    def render(self, *, actor: Scope, params: dict) -> tuple[str, str, bytes]:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        start, end = term_window()
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
            *[f"{c['name']} 达标率%" for c in data["templates"]],
            "在研课题",
            *[f"在研课题·{label}" for _lv, label in data["levels"]],
            "已结题课题",
            "成果荣誉（本学期）",
            *[f"成果·{label}" for _lv, label in data["levels"]],
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
                    *[q["share"] for q in r["requirements"]],
                    r["projects"],
                    *r["projects_by_level"],
                    r["projects_concluded"],
                    r["achievements"],
                    *r["achievements_by_level"],
                ]
            )
        ws.column_dimensions["A"].width = 24
        if data["templates"]:  # the numbers behind each 达标率: teachers by status, per school
            ws2 = wb.create_sheet("区域要求达标")
            ws2.append(["学校", "区域要求", "适用教师", "达标", "进行中", "落后", "达标率%", "落后占比%"])
            for c in ws2[1]:
                c.font = Font(bold=True)
            for r in data["rows"]:
                for col, q in zip(data["templates"], r["requirements"], strict=True):
                    n = q["counts"]
                    ws2.append([r["school"].name, col["name"], n.total, n.met, n.on_track, n.behind, n.met_share, n.behind_share])
            ws2.column_dimensions["A"].width = 24
            ws2.column_dimensions["B"].width = 30
        buf = io.BytesIO()
        wb.save(buf)
        return "区域学校对比.xlsx", XLSX, buf.getvalue()
