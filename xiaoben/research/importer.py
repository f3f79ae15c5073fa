"""Import of past achievements from .xlsx (the 教科室's old 成果登记表).

Columns (header row, any order): 工号, 姓名, 类别, 名称, 级别, 等次, 颁发单位, 日期,
and optionally 合作者工号 (several separated by 、 or ,) and 获奖学生. Every row is checked
first; one bad row and nothing is saved, with each problem named by row and column.
Imported rows are recorded as verified (the school checked them when they were won) and
carry a fingerprint, so importing the same file twice adds nothing twice."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from xiaoben.core.changes import rows_changed
from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import Scope
from xiaoben.core.uploads import validate_upload
from xiaoben.hours.importer import parse_date
from xiaoben.org.choices import HonourKind
from xiaoben.org.models import Teacher

from .models import Achievement, AchievementCredit, AchievementKind, AchievementStatus, Level, Rank, RewardRule
from .predicates import can_manage_research
from .services_achievements import _apply_points, _shares, _sync_honours, _term_for, refresh_sheets

COLUMNS = {
    "staff_no": "工号",
    "name": "姓名",
    "kind": "类别",
    "title": "名称",
    "level": "级别",
    "rank": "等次",
    "issuer": "颁发单位",
    "date": "日期",
    "coauthors": "合作者工号",
    "students": "获奖学生",
}
REQUIRED = ("staff_no", "kind", "title", "level", "issuer", "date")
ALIASES = {
    "教师工号": "staff_no",
    "教师姓名": "name",
    "成果类别": "kind",
    "成果名称": "title",
    "论文题目": "title",
    "获奖级别": "level",
    "获奖等次": "rank",
    "颁奖单位": "issuer",
    "发表刊物": "issuer",
    "获奖日期": "date",
    "合作者": "coauthors",
}
MAX_ROWS = 3000


def _choice(text: str, choices, extra: dict | None = None) -> str | None:
    t = (text or "").strip()
    for code, label in choices:
        if t in (code, str(label)):
            return code
    for key, code in (extra or {}).items():
        if key in t:
            return code
    return None


KIND_WORDS = {
    "发表": AchievementKind.PAPER_PUBLISHED,
    "论文": AchievementKind.PAPER_AWARD,
    "优质课": AchievementKind.LESSON_AWARD,
    "公开课": AchievementKind.LESSON_AWARD,
    "基本功": AchievementKind.CONTEST,
    "课件": AchievementKind.CONTEST,
    "教学设计": AchievementKind.CONTEST,
    "课题": AchievementKind.PROJECT_AWARD,
    "荣誉": AchievementKind.HONOUR,
    "学生": AchievementKind.STUDENT_AWARD,
}
LEVEL_WORDS = {
    "国家": Level.NATIONAL,
    "部": Level.NATIONAL,
    "省": Level.PROVINCE,
    "市": Level.CITY,
    "县": Level.COUNTY,
    "区": Level.COUNTY,
    "校": Level.SCHOOL,
}
RANK_WORDS = {"特等": Rank.SPECIAL, "一等": Rank.FIRST, "二等": Rank.SECOND, "三等": Rank.THIRD, "优秀": Rank.MERIT}


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _header(row) -> dict[str, int]:
    labels = {v: k for k, v in COLUMNS.items()} | ALIASES
    out = {}
    for i, cell in enumerate(row):
        key = labels.get(str(cell or "").strip())
        if key and key not in out:
            out[key] = i
    return out


def achievements_import(*, actor: Scope, school, upload) -> ImportResult:
    """Check every row, then save all or nothing."""
    if not can_manage_research(actor, school.pk):
        raise NotPermitted("只有学校管理员可以导入成果。") if school.pk in actor.member_school_ids else NotPermitted()
    try:
        validate_upload(upload, {"xlsx"}, 10)
    except ValidationError as e:
        return ImportResult(errors=e.messages)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception:
        return ImportResult(errors=["文件无法打开，请确认是 Excel (.xlsx) 文件。"])
    rows = list(wb.active.iter_rows(values_only=True))
    if not rows:
        return ImportResult(errors=["表格是空的。"])
    head = _header(rows[0])
    missing = [COLUMNS[k] for k in REQUIRED if k not in head]
    if missing:
        return ImportResult(errors=[f"第1行缺少表头：{'、'.join(missing)}。"])
    body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
    if len(body) > MAX_ROWS:
        return ImportResult(errors=[f"一次最多导入 {MAX_ROWS} 行，本文件有 {len(body)} 行。"])
    teachers = {t.staff_no: t for t in Teacher.objects.filter(school=school)}
    errors: list[str] = []
    parsed = []

    def cell(r, key):
        i = head.get(key)
        v = r[i] if i is not None and i < len(r) else None
        return "" if v is None else v

    for n, r in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in r):
            continue
        row_err = []
        staff_no = str(cell(r, "staff_no")).strip().removesuffix(".0")
        t = teachers.get(staff_no)
        if t is None:
            row_err.append(f"「工号」{staff_no or '空'}不是本校教师")
        elif head.get("name") is not None and str(cell(r, "name")).strip() and str(cell(r, "name")).strip() != t.name:
            row_err.append(f"「姓名」{cell(r, 'name')}与工号 {staff_no} 的教师（{t.name}）不一致")
        kind = _choice(str(cell(r, "kind")), AchievementKind.choices, KIND_WORDS)
        if kind is None:
            row_err.append(f"「类别」无法识别：{cell(r, 'kind') or '空'}")
        title = str(cell(r, "title")).strip()
        if not title:
            row_err.append("「名称」为空")
        level = _choice(str(cell(r, "level")), Level.choices, LEVEL_WORDS)
        if level is None:
            row_err.append(f"「级别」无法识别：{cell(r, 'level') or '空'}")
        rank_text = str(cell(r, "rank")).strip()
        rank = _choice(rank_text, Rank.choices, RANK_WORDS) if rank_text else Rank.NONE
        if rank is None:
            row_err.append(f"「等次」无法识别：{rank_text}")
        issuer = str(cell(r, "issuer")).strip()
        if not issuer:
            row_err.append("「颁发单位」为空")
        day = parse_date(cell(r, "date"))
        if day is None:
            row_err.append(f"「日期」格式不对：{cell(r, 'date') or '空'}（如 2025-11-18）")
        elif day > timezone.localdate():
            row_err.append("「日期」晚于今天")
        co = []
        raw_co = str(cell(r, "coauthors")).replace("，", "、").replace(",", "、")
        for s in [x.strip().removesuffix(".0") for x in raw_co.split("、") if x.strip()]:
            if s not in teachers:
                row_err.append(f"「合作者工号」{s}不是本校教师")
            elif t is None or teachers[s].pk != t.pk:
                co.append(teachers[s])
        honour_kind = ""
        if kind == AchievementKind.HONOUR:
            honour_kind = _choice(title, HonourKind.choices, {str(lb): c for c, lb in HonourKind.choices}) or ""
        students = str(cell(r, "students")).strip()
        if kind == AchievementKind.STUDENT_AWARD and not students:
            row_err.append("「获奖学生」为空（指导学生获奖须填写）")
        if row_err:
            errors.extend(f"第{n}行：{e}" for e in row_err)
            continue
        parsed.append((n, t, co, kind, title[:200], level, rank, issuer[:100], day, honour_kind, students[:300]))
    if errors:
        return ImportResult(errors=errors[:200])
    return _save(actor=actor, school=school, parsed=parsed)


@transaction.atomic
def _save(*, actor: Scope, school, parsed) -> ImportResult:
    result = ImportResult()
    rules = list(RewardRule.objects.filter(school=school))
    existing = set(Achievement.all_objects.filter(school=school).exclude(source_ref="").values_list("source_ref", flat=True))
    now = timezone.now()
    touched: set[int] = set()
    days: set = set()
    for _n, t, co, kind, title, level, rank, issuer, day, honour_kind, students in parsed:
        ids = sorted([t.pk, *[c.pk for c in co]])
        ref = "xlsx:" + hashlib.sha1(f"{ids}|{kind}|{title}|{level}|{rank}|{day}".encode()).hexdigest()[:20]
        if ref in existing:
            result.skipped += 1
            continue
        existing.add(ref)
        a = Achievement.objects.create(
            school=school, term=_term_for(school.pk, day), kind=kind, title=title, level=level, rank=rank, issuer=issuer, date=day,
            honour_kind=honour_kind, students=students, status=AchievementStatus.VERIFIED, submitted_by_id=actor.user_id,
            verified_by_id=actor.user_id, verified_at=now, source_ref=ref,
        )  # fmt: skip
        people = [t, *co]
        AchievementCredit.objects.bulk_create(
            [
                AchievementCredit(achievement=a, teacher=p, share=s, order=i)
                for i, (p, s) in enumerate(zip(people, _shares(len(people), None), strict=True), 1)
            ]
        )
        rows_changed(Achievement, [a.pk])  # its credits count now (kept metric values follow)
        _apply_points(a, rules)
        _sync_honours(a)
        touched.update(p.pk for p in people)
        days.add(day)
        result.created += 1
    if touched:
        refresh_sheets(school.pk, touched, days)
    return result
