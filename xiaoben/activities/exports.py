"""签到表 as an .xlsx the school prints into its 教研活动记录本."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.formatting import XLSX
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.core.xlsx import workbook_bytes

from .models import Activity


def attendance_xlsx(activity: Activity) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "签到表"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.merge_cells("A1:F1")
    ws["A1"] = f"{activity.school.name if activity.school else ''} 研修活动签到表"
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    when = timezone.localtime(activity.starts_at).strftime("%Y年%m月%d日 %H:%M") if activity.starts_at else ""
    info = [
        ("活动主题", activity.title),
        ("活动类型", activity.get_kind_display()),
        ("时间", when),
        ("地点", activity.place),
        ("主持人", activity.host.name if activity.host else ""),
        ("记录人", activity.recorder.name if activity.recorder else ""),
    ]
    for i, (k, v) in enumerate(info, start=2):
        ws.cell(row=i, column=1, value=k).font = Font(bold=True)
        ws.merge_cells(start_row=i, start_column=2, end_row=i, end_column=6)
        ws.cell(row=i, column=2, value=v)
    head = ["序号", "工号", "姓名", "角色", "状态", "签到时间", "签到方式"]
    row0 = len(info) + 3
    for c, h in enumerate(head, start=1):
        cell = ws.cell(row=row0, column=c, value=h)
        cell.font, cell.border = Font(bold=True), border
    rows = activity.attendances.select_related("teacher", "marked_by").order_by("role", "teacher__staff_no")
    for n, att in enumerate(rows, start=1):
        values = [
            n,
            att.teacher.staff_no,
            att.teacher.name,
            att.get_role_display(),
            att.get_status_display(),
            timezone.localtime(att.signed_in_at).strftime("%H:%M") if att.signed_in_at else "",
            how(att),
        ]
        for c, v in enumerate(values, start=1):
            ws.cell(row=row0 + n, column=c, value=v).border = border
    for col, width in zip("ABCDEFG", (6, 10, 12, 16, 10, 12, 36), strict=True):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb)
    return workbook_bytes(wb)


def how(att) -> str:
    """扫码 / 补签（周老师，11-20 16:05：网络故障）/ 请假 / 缺席, plus 列席 for the uninvited."""
    if att.method == "manual":
        who = att.marked_by.display_name if att.marked_by else ""
        when = timezone.localtime(att.marked_at).strftime("%m-%d %H:%M") if att.marked_at else ""
        text = f"补签（{who}，{when}）：{att.reason}"
    else:
        text = {"scan": "扫码", "leave": "请假", "absent": "缺席"}.get(att.method, "") or (
            "请假" if att.status == "leave" else "缺席" if att.status == "absent" else ""
        )
    return f"{text}（列席）" if att.is_guest else text


@register
class AttendanceSheetExporter(Exporter):
    identifier = "activities.attendance_xlsx"
    verbose_name = "签到表"
    permission = "activities:write"
    category = "研修活动"
    listed = False  # offered on the activity's page

    def render(self, *, actor, params):
        from django.http import Http404

        from . import predicates

        activity = get_object_for_user(
            actor, Activity, Activity.objects.select_related("school", "host", "recorder"), pk=params["activity"]
        )
        if not predicates.can_run(actor, activity):
            raise Http404
        return f"签到表-{activity.title[:30]}.xlsx", XLSX, attendance_xlsx(activity)
