"""Import of external hours from .xlsx (国培 / 网络研修 platform exports).

Columns (header row, any order): 工号, 姓名, 培训名称, 类别, 学时, 日期.
Every row is checked first; one bad row and nothing is saved. Each row carries a
fingerprint in `source_ref`, so importing the same file again credits nothing twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from xiaoben.core.changes import rows_changed
from xiaoben.core.errors import require
from xiaoben.core.scope import Scope
from xiaoben.core.terms import require_term_open
from xiaoben.core.uploads import validate_upload
from xiaoben.org.models import School, Teacher

from . import predicates as can
from .models import HourCategory, HourEntry, HourSource, ImportBatch

COLUMNS = {"staff_no": "工号", "name": "姓名", "title": "培训名称", "category": "类别", "hours": "学时", "date": "日期"}
ALIASES = {
    "教师工号": "staff_no",
    "教师姓名": "name",
    "培训项目": "title",
    "项目名称": "title",
    "学时类别": "category",
    "学时数": "hours",
    "培训日期": "date",
}
MAX_ROWS = 5000
MAX_HOURS = Decimal("200")


def category_from_text(text: str) -> str | None:
    t = (text or "").strip()
    if not t:
        return None
    for code, label in HourCategory.choices:
        if t in (code, label):
            return code
    if "网络" in t or "线上" in t or "远程" in t:
        return HourCategory.ONLINE
    if "集中" in t or "国培" in t or "省培" in t or "面授" in t:
        return HourCategory.CENTRAL
    if "区域" in t or "区县" in t or "市级" in t or "县级" in t:
        return HourCategory.REGION
    if "校本" in t:
        return HourCategory.SCHOOL
    return None


_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE_RE.match(str(value or ""))
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行「{self.column}」：{self.reason}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    batch: ImportBatch | None = None
    created: int = 0
    skipped: int = 0
    total_hours: Decimal = Decimal("0")


def fingerprint(staff_no: str, title: str, day: dt.date, hours: Decimal, category: str) -> str:
    raw = f"{staff_no}|{title}|{day.isoformat()}|{hours}|{category}"
    return "import:" + hashlib.sha1(raw.encode()).hexdigest()[:40]


def _read_rows(upload) -> list[tuple]:
    from openpyxl import load_workbook

    validate_upload(upload, {"xlsx"})
    try:
        wb = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True))  # a corrupt sheet fails here, lazily
        wb.close()
    except Exception:
        raise ValidationError("无法读取该 Excel 文件，请另存为 .xlsx 后重试。") from None
    return rows


def hours_import(*, actor: Scope, school: School, upload) -> ImportResult:
    """Check every row, then save all or nothing. The school's admins import (hours:approve_school)."""
    require(can.can_manage_school(actor, school.pk), "您没有导入本校学时的权限。")
    rows = _read_rows(upload)
    return hours_import_rows(actor=actor, school=school, rows=rows, file_name=getattr(upload, "name", "") or "导入.xlsx")


def hours_import_rows(*, actor: Scope, school: School, rows: list[tuple], file_name: str) -> ImportResult:
    """The import once the sheet is read: `rows` are its rows, the header first (the demo seed
    passes a platform export's rows directly). Every row is checked, then all or nothing saved."""
    require(can.can_manage_school(actor, school.pk), "您没有导入本校学时的权限。")
    result = ImportResult()
    if not rows:
        raise ValidationError("表格是空的。")
    header = [str(h or "").strip() for h in rows[0]]
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        key = next((k for k, label in COLUMNS.items() if label == h), None) or ALIASES.get(h)
        if key and key not in index:
            index[key] = i
    missing = [label for k, label in COLUMNS.items() if k not in index and k != "name"]
    if missing:
        raise ValidationError(f"第1行缺少列：{'、'.join(missing)}。表头应为：{'、'.join(COLUMNS.values())}。")
    body = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(c not in (None, "") for c in r)]
    if not body:
        raise ValidationError("表格里没有数据行。")
    if len(body) > MAX_ROWS:
        raise ValidationError(f"一次最多导入 {MAX_ROWS} 行，本表有 {len(body)} 行，请分批导入。")

    def cell(r, key):
        i = index.get(key)
        return r[i] if i is not None and i < len(r) else None

    teachers = {t.staff_no: t for t in Teacher.objects.filter(school=school)}
    parsed, seen = [], set()
    for n, r in body:
        staff_no = str(cell(r, "staff_no") or "").strip()
        if staff_no.endswith(".0"):
            staff_no = staff_no[:-2]
        t = teachers.get(staff_no)
        if not staff_no:
            result.errors.append(RowError(n, "工号", "工号为空"))
        elif t is None:
            result.errors.append(RowError(n, "工号", f"本校没有工号为 {staff_no} 的教师"))
        name = str(cell(r, "name") or "").strip()
        if t is not None and name and name != t.name:
            result.errors.append(RowError(n, "姓名", f"姓名「{name}」与工号 {staff_no} 的教师「{t.name}」不一致"))
        title = str(cell(r, "title") or "").strip()
        if not title:
            result.errors.append(RowError(n, "培训名称", "培训名称为空"))
        elif len(title) > 150:
            result.errors.append(RowError(n, "培训名称", "培训名称太长（最多150字）"))
        category = category_from_text(str(cell(r, "category") or ""))
        if category is None:
            result.errors.append(
                RowError(n, "类别", f"无法识别类别「{cell(r, 'category') or ''}」，应为 校本研修/区域研修/网络研修/集中培训")
            )
        try:
            hours = Decimal(str(cell(r, "hours")).strip())
            if not hours.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            hours = None
        if hours is None:
            result.errors.append(RowError(n, "学时", f"「{cell(r, 'hours') or ''}」不是数字"))
        elif hours <= 0 or hours > MAX_HOURS:
            result.errors.append(RowError(n, "学时", f"学时应在 0 到 {MAX_HOURS} 之间"))
        else:
            hours = hours.quantize(Decimal("0.1"))
        day = parse_date(cell(r, "date"))
        if day is None:
            result.errors.append(RowError(n, "日期", f"「{cell(r, 'date') or ''}」不是有效日期，应写作 2026-10-12"))
        elif day.year < 2000 or day > timezone.localdate() + dt.timedelta(days=1):
            result.errors.append(RowError(n, "日期", "日期超出范围（不能是将来的日期）"))
        if t is None or not title or category is None or hours is None or day is None:
            continue
        ref = fingerprint(staff_no, title, day, hours, category)
        if ref in seen:
            result.errors.append(RowError(n, "培训名称", "与前面某一行完全重复"))
            continue
        seen.add(ref)
        parsed.append((t, title, category, hours, day, ref))
    if result.errors:
        return result
    _save(result, school=school, user_id=actor.user_id, parsed=parsed, file_name=file_name)
    return result


@transaction.atomic
def _save(result: ImportResult, *, school, user_id: int | None, parsed, file_name: str) -> None:
    from xiaoben.org.models import Term

    existing = set(
        HourEntry.objects.filter(school=school, source=HourSource.IMPORT, source_ref__in=[p[5] for p in parsed]).values_list(
            "source_ref", flat=True
        )
    )
    terms = list(Term.objects.filter(school=school).select_related("school_year"))

    def term_of(day):
        return next((t for t in terms if t.start_date <= day <= t.end_date), None)

    fresh = [p for p in parsed if p[5] not in existing]
    for term in sorted({term_of(p[4]) for p in fresh} - {None}, key=lambda t: t.start_date):
        require_term_open(term)  # hours dated in an archived term are refused, the whole file with them
    batch = ImportBatch.objects.create(
        school=school,
        uploaded_by_id=user_id,
        file_name=file_name[:200],
        created_count=len(fresh),
        skipped_count=len(parsed) - len(fresh),
        total_hours=sum((p[3] for p in fresh), Decimal("0")),
    )
    created = HourEntry.objects.bulk_create(
        [
            HourEntry(
                school=school,
                teacher=t,
                term=term_of(day),
                date=day,
                hours=hours,
                category=category,
                source=HourSource.IMPORT,
                source_ref=ref,
                description=title[:200],
            )
            for t, title, category, hours, day, ref in fresh
        ]
    )
    rows_changed(HourEntry, [e.pk for e in created])  # kept metric values follow
    result.batch, result.created, result.skipped = batch, batch.created_count, batch.skipped_count
    result.total_hours = batch.total_hours
