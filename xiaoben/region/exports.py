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
        start, end = term_window()
        data = comparison.compare(actor, start=start, end=end, year=today().year)
        return "区域学校对比.xlsx", XLSX, workbook(data, f"区域学校对比（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）")


@register
class AllianceComparisonExporter(Exporter):
    """The members' comparison of one 教研联盟, for those who see it on the alliance page."""

    identifier = "region.alliance_comparison_xlsx"
    verbose_name = "教研联盟成员校对比表"
    category = "区域"
    listed = False  # offered from the alliance page
    description = "本学期联盟成员校的活动、听课、学时、区域要求达标率、文章与共享、课题与成果的汇总对比（只含汇总数）。"

    def available(self, scope: Scope) -> bool:
        return scope.is_platform_admin or scope.is_region_staff or scope.is_school_admin  # the alliance is checked in render

    def render(self, *, actor: Scope, params: dict) -> tuple[str, str, bytes]:
        from django.http import Http404

        from xiaoben.org.models import Region

        from . import predicates, selectors
        from .models import Alliance

        alliance = Region.objects.filter(pk=params.get("alliance"), kind="alliance").first()
        if alliance is None:
            raise Http404
        members = selectors.alliance_members(alliance)
        lead = Alliance.objects.filter(region=alliance).values_list("lead_school_id", flat=True).first()
        if not (
            predicates.can_view_alliance(actor, alliance.pk, {s.pk for s in members})
            and predicates.can_compare_alliance(actor, alliance.pk, lead)
        ):
            raise Http404
        start, end = term_window()
        data = comparison.compare(actor, start=start, end=end, year=today().year, schools=members)
        return f"{alliance.name}成员校对比.xlsx", XLSX, workbook(data, f"{alliance.name}成员校对比（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）")


def workbook(data: dict, title: str) -> bytes:
    """The comparison as .xlsx: one row per school, then the numbers behind each 达标率."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "学校对比"
    ws.append([title])
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
    return buf.getvalue()
