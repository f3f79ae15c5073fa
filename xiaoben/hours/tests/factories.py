"""Small builders for the hours tests (real rows, no mocks)."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from xiaoben.core import samples
from xiaoben.hours.models import HourEntry

PDF = samples.pdf_bytes()


def pdf(name="证书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def entry(teacher, day, hours, category="school", source="manual", **kw):
    return HourEntry.objects.create(
        school=teacher.school, teacher=teacher, date=day, hours=Decimal(str(hours)), category=category, source=source, **kw
    )


def claim_kwargs(**over):
    d = {
        "title": "2026年国培计划小学语文骨干教师研修",
        "organiser": "浙江省教育厅",
        "kind": "national",
        "category": "central",
        "start_date": dt.date(2026, 10, 10),
        "end_date": dt.date(2026, 10, 14),
        "hours": Decimal("24"),
    }
    d.update(over)
    return d


def xlsx(rows, header=("工号", "姓名", "培训名称", "类别", "学时", "日期"), name="国培学时.xlsx"):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if header:
        ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def set_targets(school, year=72, cycle=360):
    """The school's 学时 targets: requirements on `hours.total` (每年, 五年周期)."""
    from xiaoben.requirements.models import Period, Requirement

    for period, n in ((Period.YEAR, year), (Period.FIVE_YEAR, cycle)):
        Requirement.objects.update_or_create(
            school=school, metric="hours.total", period=period, applies_to="all", defaults={"threshold": n, "name": f"学时{n}"}
        )
