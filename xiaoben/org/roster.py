"""Roster import and export (.xlsx): the 教导处's own spreadsheet in and out.

Columns are matched by their Chinese header, so an export (with or without the
personal columns) imports back unchanged. A file is imported whole or not at
all: every bad row is reported with its row number, column and a reason, and
nothing is written while any error remains.

Temporary passwords: a school hands out one 初始密码 per import batch (the admin
chooses it on the page, a random one is suggested); every new account must change
it at first sign-in. Hashing one password per batch keeps a 3,000-row import fast.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from xiaoben.core.errors import require
from xiaoben.core.scope import Scope
from xiaoben.core.uploads import validate_upload
from xiaoben.core.xlsx import workbook_bytes

from . import predicates as can
from . import selectors
from .choices import GRADE_NAMES, STAGE_GRADES, SUBJECTS, Education, Gender, HonourKind, HonourLevel, Title
from .models import School, Teacher, TeacherHonour
from .services import MAX_AGE, MIN_AGE, PHONE_RE, age_on, name_initials, username_for

User = get_user_model()

SHEET_NAME = "教师名册"
NOTES_NAME = "填写说明"
EXAMPLE_PREFIX = "示例"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    personal: bool = False
    width: int = 12
    note: str = ""


COLUMNS = [
    Column("工号", "staff_no", required=True, width=10, note="必填；本校内唯一。再次导入时按工号更新，不会重复建号。"),
    Column("姓名", "name", required=True, width=10, note="必填。"),
    Column("性别", "gender", required=True, width=6, note="必填：男 或 女。"),
    Column("出生日期", "birth_date", personal=True, note="如 1988-06-30、1988/6/30 或 1988年6月30日，也可用 Excel 日期格式。"),
    Column("参加工作时间", "teaching_since", width=14, note="用于计算教龄；可只写年月，如 2010-09。"),
    Column(
        "入校时间",
        "joined_on",
        width=12,
        note="到本校工作的日期，量化要求和学时从学期开始与入校时间中较晚者算起；新教师留空记为导入当天，已有教师留空不改。",
    ),
    Column("学历", "education", note="留空记为「其他」。"),
    Column("职称", "title", note="留空记为「未评」。旧称「小学高级教师」按一级教师、「小学一级教师」按二级教师处理。"),
    Column("主教学科", "subject", width=10),
    Column("兼教学科", "other_subjects", width=12, note="多个用顿号分隔。"),
    Column("任教年级", "grades", width=14, note="如 三年级、四年级，或 3、4；多个用顿号分隔。"),
    Column("任教班级", "classes", width=16, note="自由填写，如 三(2)班、三(3)班。"),
    Column("班主任", "is_head_teacher", width=8, note="是 或 否；留空为否。"),
    Column("手机号", "phone", personal=True, width=14, note="11位手机号，可用于登录；不能与他人重复。"),
    Column(
        "教研组", "subject_groups", width=12, note="填本校已有的教研组名称，如 语文组；多个用顿号分隔。导入后加入该组（不会移出原有小组）。"
    ),
    Column("备课组", "prep_groups", width=16, note="填本校已有的备课组名称，如 三年级语文备课组；多个用顿号分隔。"),
    Column("荣誉", "honours", width=30, note="级别+称号，多个用顿号分隔，可在括号中注明年份，如 县级骨干教师(2022)、市级教坛新秀。"),
]
BY_HEADER = {c.header: c for c in COLUMNS}
DATE_KEYS = ("birth_date", "teaching_since", "joined_on")

EDUCATION_ALIASES = {
    **{str(label): value for value, label in Education.choices},
    "博士": Education.DOCTOR,
    "研究生": Education.MASTER,
    "硕士": Education.MASTER,
    "大学本科": Education.BACHELOR,
    "大专": Education.COLLEGE,
    "大学专科": Education.COLLEGE,
    "中师": Education.SECONDARY,
    "高中": Education.OTHER,
}
TITLE_ALIASES = {
    **{str(label): value for value, label in Title.choices},
    "正高级": Title.SENIOR_PROFESSOR,
    "正高": Title.SENIOR_PROFESSOR,
    "高级": Title.SENIOR,
    "副高": Title.SENIOR,
    "中学高级教师": Title.SENIOR,
    "一级": Title.FIRST,
    "中学一级教师": Title.FIRST,
    "小学高级教师": Title.FIRST,
    "二级": Title.SECOND,
    "中学二级教师": Title.SECOND,
    "小学一级教师": Title.SECOND,
    "三级": Title.THIRD,
    "中学三级教师": Title.THIRD,
    "小学二级教师": Title.THIRD,
    "无": Title.NONE,
    "未定级": Title.NONE,
}
GENDER_ALIASES = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
GRADE_ALIASES = {name: g for g, name in GRADE_NAMES.items()} | {"初一": 7, "初二": 8, "初三": 9}
YES = {"是", "√", "Y", "y", "yes", "1", "TRUE", "True", "true"}
NO = {"否", "×", "N", "n", "no", "0", "FALSE", "False", "false", ""}
LEVEL_ALIASES = {str(label): value for value, label in HonourLevel.choices} | {"区级": HonourLevel.COUNTY, "县区级": HonourLevel.COUNTY}
KIND_ALIASES = {str(label): value for value, label in HonourKind.choices}
_LEVELS = "|".join(map(re.escape, LEVEL_ALIASES))
HONOUR_RE = re.compile(rf"^({_LEVELS})([\u4e00-\u9fffA-Za-z0-9·]{{2,30}}?)(?:[（(]\s*(\d{{4}})\s*年?[)）])?$")
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?$")
SPLIT_RE = re.compile(r"[、,，;；/\s]+")


@dataclass
class RowError:
    row: int  # the Excel row number (the header is row 1); 0 for the whole file
    column: str
    message: str


@dataclass
class ImportReport:
    rows: list[dict[str, Any]] = field(default_factory=list)  # one checked row: column key → value
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0  # rows matched to an existing teacher by 工号
    changed: int = 0  # of those, teachers whose data actually changed
    new_accounts: list[tuple[str, str]] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def other_honours(self) -> list[tuple[str, int]]:
        """Honours outside the five fixed kinds, kept as 其他荣誉 with their name: (name, teachers)."""
        counts: dict[str, int] = {}
        for r in self.rows:
            for name in {n for _lv, k, n, _y in r.get("honours") or [] if k == HonourKind.OTHER}:
                counts[name] = counts.get(name, 0) + 1
        return sorted(counts.items(), key=lambda x: (-x[1], x[0]))


# ---------------------------------------------------------------- export


def _sheet_header(ws: Worksheet, columns: list[Column]) -> None:
    ws.append([c.header for c in columns])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for i, c in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = bold, fill
        ws.column_dimensions[cell.column_letter].width = c.width
    ws.freeze_panes = "A2"


def _text_columns(ws: Worksheet, columns: list[Column], last_row: int) -> None:
    """工号 and 手机号 stay text so Excel neither drops leading zeros nor shows 1.38E+10."""
    for i, c in enumerate(columns, start=1):
        if c.key in ("staff_no", "phone"):
            for (cell,) in ws.iter_rows(min_row=2, max_row=max(2, last_row), min_col=i, max_col=i):
                cell.number_format = "@"
        if c.key in DATE_KEYS:
            for (cell,) in ws.iter_rows(min_row=2, max_row=max(2, last_row), min_col=i, max_col=i):
                cell.number_format = "yyyy-mm-dd"


def _dropdowns(ws: Worksheet, columns: list[Column], school: School, last_row: int) -> None:
    """Drop-down lists for the columns with fixed values (性别, 学历, 职称, 主教学科, 班主任)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    values = {
        "gender": ["男", "女"],
        "education": [str(label) for _, label in Education.choices],
        "title": [str(label) for _, label in Title.choices],
        "subject": list(SUBJECTS),
        "is_head_teacher": ["是", "否"],
    }
    for i, c in enumerate(columns, start=1):
        if c.key not in values:
            continue
        letter = get_column_letter(i)
        dv = DataValidation(type="list", formula1='"' + ",".join(values[c.key]) + '"', allow_blank=not c.required)
        dv.error, dv.errorTitle = f"请从下拉列表中选择{c.header}。", "取值不在可选范围内"
        dv.prompt, dv.promptTitle = f"从下拉列表中选择{c.header}", c.header
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last_row}")


def honours_text(honours: Iterable[TeacherHonour]) -> str:
    out = []
    for h in honours:
        label = f"{h.get_level_display()}{h.kind_label}"
        out.append(f"{label}({h.year})" if h.year else label)
    return "、".join(out)


def _teacher_row(t: Teacher, columns: list[Column]) -> list[Any]:
    values = {
        "staff_no": t.staff_no,
        "name": t.name,
        "gender": t.get_gender_display(),
        "birth_date": t.birth_date,
        "teaching_since": t.teaching_since,
        "joined_on": t.joined_on,
        "education": t.get_education_display(),
        "title": t.get_title_display(),
        "subject": t.subject,
        "other_subjects": t.other_subjects,
        "grades": "、".join(GRADE_NAMES.get(g, str(g)) for g in (t.grades or [])),
        "classes": t.classes,
        "is_head_teacher": "是" if t.is_head_teacher else "否",
        "phone": t.user.phone or "",
        "honours": honours_text(t.honours.all()),
        "subject_groups": "、".join(m.group.name for m in t.memberships.all() if m.group.kind == "subject"),
        "prep_groups": "、".join(m.group.name for m in t.memberships.all() if m.group.kind == "prep"),
    }
    return [values[c.key] for c in columns]


def export_columns(personal: bool) -> list[Column]:
    return [c for c in COLUMNS if personal or not c.personal]


def export_workbook(*, school: School, personal: bool) -> bytes:
    """The school's active teachers in the template's columns (three queries)."""
    columns = export_columns(personal)
    teachers = (
        Teacher.objects.filter(school=school, is_active=True)
        .select_related("user")
        .prefetch_related("honours", "memberships__group")
        .order_by("staff_no")
    )
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    _sheet_header(ws, columns)
    n = 1
    for t in teachers:
        ws.append(_teacher_row(t, columns))
        n += 1
    _text_columns(ws, columns, n)
    return _save(wb)


def template_workbook(*, school: School) -> bytes:
    """An empty roster with one example row and a notes sheet of the allowed values."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    _sheet_header(ws, COLUMNS)
    grades = [GRADE_NAMES[g] for g in STAGE_GRADES.get(school.stage, range(1, 7))]
    example = {
        "staff_no": f"{EXAMPLE_PREFIX}001",
        "name": "张晓明",
        "gender": "男",
        "birth_date": dt.date(1988, 6, 30),
        "teaching_since": dt.date(2010, 9, 1),
        "joined_on": dt.date(2018, 8, 28),
        "education": "本科",
        "title": "一级教师",
        "subject": "语文",
        "other_subjects": "书法",
        "grades": grades[min(2, len(grades) - 1)],
        "classes": "三(2)班",
        "is_head_teacher": "是",
        "phone": "13800000000",
        "honours": "县级骨干教师(2022)",
        "subject_groups": "语文组",
        "prep_groups": "",
    }
    ws.append([example[c.key] for c in COLUMNS])
    grey = Font(italic=True, color="808080")
    for cell in ws[2]:
        cell.font = grey
    _text_columns(ws, COLUMNS, 200)
    _dropdowns(ws, COLUMNS, school, 500)
    notes = wb.create_sheet(NOTES_NAME)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    lines = [
        (
            "说明",
            "第一行是列名，请勿修改；从第二行起每行一位教师。列的顺序可以调整，不需要的列可以删除（删除的列在再次导入时保持原值不变）。",
        ),
        ("说明", f"工号以「{EXAMPLE_PREFIX}」开头的行是示例，不会导入，可直接删除。"),
        ("说明", "整张表检查无误才会导入；有任何错误时一条也不保存，并列出每个错误的行号、列名和原因。"),
        ("说明", "新账号使用导入页面上设定的初始密码，教师用工号或手机号登录后必须先修改密码。"),
    ]
    lines += [(c.header, c.note) for c in COLUMNS if c.note]
    lines += [
        ("可选：性别", "男、女"),
        ("可选：学历", "、".join(str(label) for _, label in Education.choices)),
        ("可选：职称", "、".join(str(label) for _, label in Title.choices)),
        ("可选：学科", "、".join(SUBJECTS)),
        ("可选：年级", "、".join(grades)),
        ("可选：荣誉级别", "、".join(str(label) for _, label in HonourLevel.choices) + "（区级按县级）"),
        ("可选：荣誉称号", "、".join(str(label) for _, label in HonourKind.choices)),
    ]
    notes.append(["项目", "内容"])
    for a, b in lines:
        notes.append([a, b])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    return workbook_bytes(wb)


# ---------------------------------------------------------------- parsing


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: object, *, today: dt.date) -> dt.date:
    """Real Excel dates, serial numbers, 2001-06-30, 2001/6/30, 2001年6月30日, 2001.6.30, 2001-09, 20010630."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and 1 <= value < 100000 and not (isinstance(value, int) and 19000101 <= value <= 21001231):
        day = from_excel(value).date()
    else:
        s = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", _text(value)).replace(" ", "")
        m = DATE_RE.match(s)
        try:
            if m:
                day = dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
            elif re.fullmatch(r"\d{8}", s):
                day = dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
            else:
                raise ValueError
        except ValueError:
            if m and 1 <= int(m[2]) <= 12 and m[3]:  # well written, but no such day: 1990-02-30
                raise ValidationError(f"日期不存在：「{s}」（{int(m[1])}年{int(m[2])}月没有{int(m[3])}日），请核对。") from None
            raise ValidationError(f"日期格式不正确：「{s}」，请写成 2001-06-30、2001/6/30 或 2001年6月30日。") from None
    if day > today:
        raise ValidationError(f"日期 {day:%Y-%m-%d} 晚于今天，请核对。")
    return day


_age = age_on


def _split(s: str) -> list[str]:
    return [p for p in SPLIT_RE.split(s) if p]


def _parse_cell(col: Column, raw: Any, *, today: dt.date, grades_ok: set[int]) -> Any:  # the column's value
    s = _text(raw) if col.key not in DATE_KEYS else raw
    key = col.key
    if key in ("staff_no", "name", "gender") and not s:
        raise ValidationError(f"{col.header}不能为空。")
    if key == "staff_no":
        if len(s) > 30:
            raise ValidationError("工号不能超过30个字符。")
        return s
    if key == "name":
        if len(s) > 50:
            raise ValidationError("姓名不能超过50个字符。")
        return s
    if key == "gender":
        if s not in GENDER_ALIASES:
            raise ValidationError(f"性别「{s}」无法识别，请填写 男 或 女。")
        return GENDER_ALIASES[s]
    if key in DATE_KEYS:
        if raw is None or _text(raw) == "":
            return None
        return parse_date(raw, today=today)
    if key == "education":
        if not s:
            return Education.OTHER
        if s not in EDUCATION_ALIASES:
            raise ValidationError(f"学历「{s}」不在可选范围内（{'、'.join(str(label) for _, label in Education.choices)}）。")
        return EDUCATION_ALIASES[s]
    if key == "title":
        if not s:
            return Title.NONE
        if s not in TITLE_ALIASES:
            raise ValidationError(f"职称「{s}」不在可选范围内（{'、'.join(str(label) for _, label in Title.choices)}）。")
        return TITLE_ALIASES[s]
    if key == "subject":
        if s and s not in SUBJECTS:
            raise ValidationError(f"学科「{s}」不在可选范围内，请使用填写说明中列出的学科名称。")
        return s
    if key == "other_subjects":
        parts = _split(s)
        bad = [p for p in parts if p not in SUBJECTS]
        if bad:
            raise ValidationError(f"学科「{'、'.join(bad)}」不在可选范围内，请使用填写说明中列出的学科名称。")
        out = "、".join(dict.fromkeys(parts))
        if len(out) > 100:
            raise ValidationError("兼教学科不能超过100个字符。")
        return out
    if key == "grades":
        grades = []
        for p in _split(s):
            g = GRADE_ALIASES.get(p) or (int(p) if p.isdigit() else None)
            if g not in grades_ok:
                raise ValidationError(f"年级「{p}」不是本校的年级（{'、'.join(GRADE_NAMES[x] for x in sorted(grades_ok))}）。")
            grades.append(g)
        return sorted(set(grades))
    if key in ("subject_groups", "prep_groups"):
        return _split(s)
    if key == "classes":
        if len(s) > 100:
            raise ValidationError("任教班级不能超过100个字符。")
        return s
    if key == "is_head_teacher":
        if s in YES:
            return True
        if s in NO:
            return False
        raise ValidationError(f"班主任一栏「{s}」无法识别，请填写 是 或 否。")
    if key == "phone":
        p = re.sub(r"[\s\-]", "", s)
        if p and not PHONE_RE.match(p):
            raise ValidationError(f"手机号「{s}」格式不正确，应为11位数字。")
        return p
    if key == "honours":
        return parse_honours(s)
    raise AssertionError(key)


def preview_row(r: dict[str, Any]) -> dict[str, Any]:
    """A checked row with the labels the preview shows: every column the analysis reads."""
    labels = {
        "education_label": dict(Education.choices).get(r.get("education") or "", ""),
        "title_label": dict(Title.choices).get(r.get("title") or "", ""),
        "honours_label": "、".join(
            f"{dict(HonourLevel.choices)[lv]}{n or dict(HonourKind.choices)[k]}"
            + (f"({y})" if y else "")
            + ("（其他荣誉）" if k == HonourKind.OTHER else "")
            for lv, k, n, y in r.get("honours") or []
        ),
    }
    return {**r, **{k: str(v) for k, v in labels.items()}}


def parse_honours(s: str) -> list[tuple[str, str, str, int | None]]:
    """「县级骨干教师(2022)、市级优秀班主任」→ [("county","backbone","",2022), ("city","other","优秀班主任",None)].

    Any honour with a recognised level is accepted: the five fixed kinds by their name, any
    other (优秀教师, 师德标兵, 先进工作者…) as 其他荣誉 keeping its name."""
    out: dict[tuple[str, str, str], int | None] = {}
    for p in re.split(r"[、,，;；\s]+", s.strip()):
        if not p:
            continue
        m = HONOUR_RE.match(p)
        if not m:
            raise ValidationError(f"荣誉「{p}」无法识别，请写成「级别+称号」，如 县级骨干教师、市级优秀班主任 或 县级骨干教师(2022)。")
        kind = KIND_ALIASES.get(m[2], HonourKind.OTHER)
        name = "" if kind != HonourKind.OTHER else m[2]
        out[(LEVEL_ALIASES[m[1]], kind, name)] = int(m[3]) if m[3] else None
    return [(lv, k, n, y) for (lv, k, n), y in out.items()]


def read_rows(upload: UploadedFile[bytes], *, school: School, today: dt.date) -> ImportReport:
    """Parse and check every row of the uploaded workbook (no database writes)."""
    report = ImportReport()
    try:
        validate_upload(upload, {"xlsx"})
    except ValidationError as e:
        report.errors.append(RowError(0, "", " ".join(e.messages)))
        return report
    try:
        # Read every row inside the guard: in read-only mode a corrupt part (workbook.xml, a
        # sheet) only fails when it is reached, with any of lxml's, zipfile's or openpyxl's errors.
        upload.seek(0)
        wb = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
        ws = wb[SHEET_NAME] if SHEET_NAME in wb.sheetnames else wb.worksheets[0]
        all_rows = list(ws.iter_rows(values_only=True))
        wb.close()
    except Exception:
        report.errors.append(RowError(0, "", "无法读取这个 Excel 文件，文件可能已损坏。请用 Excel 或 WPS 另存为 .xlsx 后重试。"))
        return report
    rows = iter(all_rows)
    header = next(rows, None)
    headers = [_text(h) for h in (header or [])]
    columns: list[tuple[int, Column]] = [(i, BY_HEADER[h]) for i, h in enumerate(headers) if h in BY_HEADER]
    present = {c.key for _, c in columns}
    missing = [c.header for c in COLUMNS if c.required and c.key not in present]
    if not header or not any(headers):
        report.errors.append(RowError(0, "", "表格是空的：第一行应为列名（工号、姓名、性别……），请使用下载的模板填写。"))
        return report
    if missing:
        report.errors.append(
            RowError(1, "、".join(missing), f"缺少必需的列「{'」「'.join(missing)}」，请使用下载的模板，不要修改第一行的列名。")
        )
        return report
    dup_headers = {c.header for _, c in columns if sum(1 for _, x in columns if x is c) > 1}
    for h in sorted(dup_headers):
        report.errors.append(RowError(1, h, f"列「{h}」出现了不止一次。"))
    grades_ok = set(STAGE_GRADES.get(school.stage, range(1, 13)))
    seen_staff: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    for rowno, values in enumerate(rows, start=2):
        values = list(values or [])
        if not any(_text(v) for v in values):
            continue
        staff_cell = next((values[i] for i, c in columns if c.key == "staff_no" and i < len(values)), None)
        if _text(staff_cell).startswith(EXAMPLE_PREFIX):
            continue
        data: dict[str, Any] = {"rowno": rowno}
        for i, col in columns:
            raw = values[i] if i < len(values) else None
            try:
                data[col.key] = _parse_cell(col, raw, today=today, grades_ok=grades_ok)
            except ValidationError as e:
                report.errors.append(RowError(rowno, col.header, " ".join(e.messages)))
        _row_rules(data, rowno, today, report, seen_staff, seen_phone)
        report.rows.append(data)
    if not report.rows and not report.errors:
        report.errors.append(RowError(0, "", "表格中没有教师数据：请从第二行起每行填写一位教师。"))
    return report


def _row_rules(
    data: dict[str, Any], rowno: int, today: dt.date, report: ImportReport, seen_staff: dict[str, int], seen_phone: dict[str, int]
) -> None:
    birth, since = data.get("birth_date"), data.get("teaching_since")
    if birth and not (MIN_AGE <= _age(birth, today) <= MAX_AGE):
        report.errors.append(
            RowError(rowno, "出生日期", f"出生日期 {birth:%Y-%m-%d} 不合理：在职教师的年龄应在{MIN_AGE}至{MAX_AGE}岁之间。")
        )
    elif birth and since and _age(birth, since) < 16:
        report.errors.append(RowError(rowno, "参加工作时间", f"参加工作时间 {since:%Y-%m-%d} 早于16周岁，请与出生日期一起核对。"))
    staff_no = data.get("staff_no")
    if staff_no:
        if staff_no in seen_staff:
            report.errors.append(RowError(rowno, "工号", f"工号「{staff_no}」与第{seen_staff[staff_no]}行重复。"))
        else:
            seen_staff[staff_no] = rowno
    phone = data.get("phone")
    if phone:
        if phone in seen_phone:
            report.errors.append(RowError(rowno, "手机号", f"手机号 {phone} 与第{seen_phone[phone]}行重复。"))
        else:
            seen_phone[phone] = rowno


# ---------------------------------------------------------------- import


GROUP_COLUMNS = {"subject_groups": ("教研组", "subject"), "prep_groups": ("备课组", "prep")}


def _check_groups(school: School, report: ImportReport) -> None:
    """教研组/备课组 columns name groups the school already has (one query)."""
    from .models import Group

    if not any(r.get(k) for r in report.rows for k in GROUP_COLUMNS):
        return
    groups = {(g.name, g.kind): g.pk for g in Group.objects.filter(school=school, is_active=True)}
    for r in report.rows:
        for key, (header, kind) in GROUP_COLUMNS.items():
            ids = []
            for name in r.get(key) or []:
                gid = groups.get((name, kind))
                if gid is None:
                    have = "、".join(sorted(n for n, k in groups if k == kind)[:8]) or "（暂无）"
                    report.errors.append(RowError(r["rowno"], header, f"本校没有名为「{name}」的{header}。已有：{have}。"))
                else:
                    ids.append(gid)
            r[f"{key}_ids"] = ids


def suggest_password() -> str:
    """Readable and not guessable, and always passes `check_password_rule` (letters and
    digits): a suggestion the form itself refused would stop an import at random."""
    from .services import temporary_password

    return temporary_password()


def check_password_rule(password: str) -> None:
    if len(password) < 8 or not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise ValidationError("初始密码至少8位，须同时包含字母和数字。")


def roster_import(
    *,
    actor: Scope,
    school: School,
    upload: UploadedFile[bytes],
    initial_password: str = "",
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Import the roster whole or not at all; match existing teachers by 工号 within the school.
    Only the school's admins (`predicates.can_manage_school`), also for a dry run."""
    require(can.can_manage_school(actor, school.pk))
    today = today or selectors.today()
    report = read_rows(upload, school=school, today=today)
    if report.errors:
        return report
    _check_groups(school, report)
    if report.errors:
        return report
    staff_nos = [r["staff_no"] for r in report.rows]
    existing = {t.staff_no: t for t in Teacher.objects.filter(school=school, staff_no__in=staff_nos).select_related("user")}
    phones = {r["phone"]: r for r in report.rows if r.get("phone")}
    owners = dict(User.objects.filter(phone__in=list(phones)).values_list("phone", "id")) if phones else {}
    new_usernames = {username_for(school, s): s for s in staff_nos if s not in existing}
    taken = set(User.objects.filter(username__in=list(new_usernames)).values_list("username", flat=True)) if new_usernames else set()
    for r in report.rows:
        t = existing.get(r["staff_no"])
        owner = owners.get(r.get("phone") or "")
        if owner is not None and (t is None or t.user_id != owner):
            report.errors.append(RowError(r["rowno"], "手机号", f"手机号 {r['phone']} 已被其他账号使用，请核对。"))
        if t is None and username_for(school, r["staff_no"]) in taken:
            report.errors.append(RowError(r["rowno"], "工号", f"工号「{r['staff_no']}」对应的登录账号已存在，请联系平台管理员。"))
    report.errors.sort(key=lambda e: (e.row, [c.header for c in COLUMNS].index(e.column) if e.column in BY_HEADER else 99))
    report.created = sum(1 for r in report.rows if r["staff_no"] not in existing)
    report.updated = len(report.rows) - report.created
    report.new_accounts = [(r["staff_no"], r["name"]) for r in report.rows if r["staff_no"] not in existing]
    if report.errors:
        return report
    if report.created:
        check_password_rule(initial_password)
    if dry_run:
        return report
    with transaction.atomic():
        report.changed = _write(school, report.rows, existing, initial_password, today)
    report.saved = True
    return report


TEACHER_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "teaching_since",
    "education",
    "title",
    "subject",
    "other_subjects",
    "grades",
    "classes",
    "is_head_teacher",
]


def _write(school: School, rows: list[dict[str, Any]], existing: dict[str, Teacher], initial_password: str, today: dt.date) -> int:
    """Write the checked rows; return how many existing teachers actually changed.

    Only rows whose values differ are written, so re-importing the same file is quick
    and leaves no noise in the history."""
    password_hash = make_password(initial_password) if any(r["staff_no"] not in existing for r in rows) else ""
    new_users, new_teachers, matched = [], [], []
    keys = set().union(*(r.keys() for r in rows))
    teacher_fields = [f for f in TEACHER_FIELDS if f in keys]
    for r in rows:
        t = existing.get(r["staff_no"])
        if t is not None:
            matched.append((t, r))
            continue
        new_users.append(
            User(
                username=username_for(school, r["staff_no"]),
                full_name=r["name"],
                phone=r.get("phone") or None,
                password=password_hash,
                must_change_password=True,
            )
        )
        profile = {f: r[f] for f in teacher_fields} | {"joined_on": r.get("joined_on") or today}
        new_teachers.append(Teacher(school=school, staff_no=r["staff_no"], name_initials=name_initials(r["name"]), **profile))
    teachers_changed, users_changed, touched = [], [], set()
    t_fields: set[str] = set()
    u_fields: set[str] = set()
    for t, r in matched:
        wanted = {f: r[f] for f in teacher_fields} | {"name_initials": name_initials(r["name"]), "is_active": True}
        if r.get("joined_on"):
            wanted["joined_on"] = r["joined_on"]
        diff = [f for f, v in wanted.items() if getattr(t, f) != v]
        if diff:
            for f in diff:
                setattr(t, f, wanted[f])
            t_fields.update(diff)
            teachers_changed.append(t)
            touched.add(t.pk)
        user_wanted = {"full_name": r["name"], "is_active": True}
        if "phone" in keys:
            user_wanted["phone"] = r.get("phone") or None
        diff = [f for f, v in user_wanted.items() if getattr(t.user, f) != v]
        if diff:
            for f in diff:
                setattr(t.user, f, user_wanted[f])
            u_fields.update(diff)
            users_changed.append(t.user)
            touched.add(t.pk)
    # Only the columns that changed are written (a CASE per column per batch is what costs).
    if users_changed:
        if "phone" in u_fields:
            # Clear phones first so two teachers swapping numbers never trip the unique index.
            User.objects.filter(pk__in=[u.pk for u in users_changed]).update(phone=None)
            u_fields.add("phone")
        User.objects.bulk_update(users_changed, sorted(u_fields), batch_size=100)
    if teachers_changed:
        bulk_update_with_history(teachers_changed, Teacher, sorted(t_fields), batch_size=100)
    if new_users:
        User.objects.bulk_create(new_users, batch_size=500)
        if new_users[0].pk is None:  # databases that do not return ids from bulk inserts
            ids = dict(User.objects.filter(username__in=[u.username for u in new_users]).values_list("username", "id"))
            for u in new_users:
                u.pk = ids[u.username]
        for u, t in zip(new_users, new_teachers, strict=True):
            t.user_id = u.pk
        new_teachers = bulk_create_with_history(new_teachers, Teacher, batch_size=500)
        if not all(t.pk for t in new_teachers):
            ids = dict(Teacher.objects.filter(school=school, staff_no__in=[t.staff_no for t in new_teachers]).values_list("staff_no", "id"))
            for t in new_teachers:
                t.pk = ids[t.staff_no]
    wanted_members = [(t.pk, gid) for t, r in matched for k in GROUP_COLUMNS for gid in r.get(f"{k}_ids") or []]
    by_staff_no = {t.staff_no: t for t in new_teachers}
    wanted_members += [
        (by_staff_no[r["staff_no"]].pk, gid)
        for r in rows
        if r["staff_no"] in by_staff_no
        for k in GROUP_COLUMNS
        for gid in r.get(f"{k}_ids") or []
    ]
    if wanted_members:
        from xiaoben.core.changes import rows_changed

        from .models import Group, GroupMembership

        GroupMembership.objects.bulk_create(
            [GroupMembership(teacher_id=tid, group_id=gid) for tid, gid in set(wanted_members)], ignore_conflicts=True
        )
        rows_changed(Group, {gid for _tid, gid in wanted_members})  # kept metric values follow
    if "honours" in keys:
        have: dict[int, set[tuple[str, str, str, int | None]]] = {}
        for tid, lv, k, n, y in TeacherHonour.objects.filter(teacher_id__in=[t.pk for t, _ in matched]).values_list(
            "teacher_id", "level", "kind", "name", "year"
        ):
            have.setdefault(tid, set()).add((lv, k, n, y))
        replace = [(t, r) for t, r in matched if have.get(t.pk, set()) != set(r["honours"])]
        touched.update(t.pk for t, _ in replace)
        TeacherHonour.objects.filter(teacher_id__in=[t.pk for t, _ in replace]).delete()
        by_staff = {t.staff_no: t for t in new_teachers}
        targets = replace + [(by_staff[r["staff_no"]], r) for r in rows if r["staff_no"] in by_staff]
        TeacherHonour.objects.bulk_create(
            [TeacherHonour(teacher_id=t.pk, level=lv, kind=k, name=n, year=y) for t, r in targets for lv, k, n, y in r["honours"]],
            batch_size=500,
        )
    return len(touched)
