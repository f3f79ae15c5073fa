"""教师队伍结构分析 (SPEC §2.4): the "现状分析" paragraph every 校本研修计划 opens with,
computed from the roster in five queries whatever the size of the school.

Bands follow how schools write it (seed 000 篇3): 35周岁以下 / 35周岁至50周岁 / 50岁以上,
ages in whole years (周岁) on the day of the analysis."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from xiaoben.core.xlsx import workbook_bytes

from .choices import TITLE_BANDS, Education, Gender, HonourKind, HonourLevel, Title
from .models import School, Teacher, TeacherHonour

AGE_BANDS = [("35周岁以下", None, 35), ("35周岁至50周岁", 35, 50), ("50岁以上", 50, None)]
AGE_BAND_WORDS = ["青年教师", "中年教师", "教师"]
FIVE_YEAR_BANDS = [
    ("25岁以下", None, 25),
    ("25–29岁", 25, 30),
    ("30–34岁", 30, 35),
    ("35–39岁", 35, 40),
    ("40–44岁", 40, 45),
    ("45–49岁", 45, 50),
    ("50–54岁", 50, 55),
    ("55岁及以上", 55, None),
]
TEACHING_BANDS = [
    ("3年以内（新教师）", None, 3),
    ("3–5年", 3, 6),
    ("6–10年", 6, 11),
    ("11–20年", 11, 21),
    ("21–30年", 21, 31),
    ("30年以上", 31, None),
]
TITLE_BAND_ORDER = ["正高", "副高", "中级", "初级", "未评"]
TITLE_BAND_WORDS = {"正高": "正高级职称", "副高": "副高级职称", "中级": "中级职称", "初级": "初级职称", "未评": "尚未评定职称"}


@dataclass
class Share:
    label: str
    count: int
    total: int
    fixed: int | None = None  # set by `partition`: shares of a whole that add to 100

    @property
    def percent(self) -> int:
        return self.fixed if self.fixed is not None else percent(self.count, self.total)

    @property
    def exact(self) -> bool:
        return self.total > 0 and (self.count * 100) % self.total == 0


@dataclass
class Analysis:
    school: School
    on: dt.date
    total: int
    avg_age: int | None
    no_birth: int
    no_since: int
    age_bands: list[Share]
    five_year: list[Share]
    education: list[Share]
    titles: list[Share]
    title_bands: list[Share]
    teaching_bands: list[Share]
    gender: list[Share]
    new_teachers: Share
    head_teachers: Share
    honours: dict[str, dict[str, int]]  # level label -> kind label -> teachers
    honoured: Share
    paragraph: str = ""
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def honour_rows(self) -> list[tuple[str, list[int], int]]:
        kinds = self.honour_kinds
        return [(lv, [self.honours[lv].get(k, 0) for k in kinds], sum(self.honours[lv].values())) for lv in self.honours]

    @property
    def honour_rows_with_share(self) -> list[tuple[str, list[int], int, int]]:
        """… plus 占比: the level's honours as a share of the active teachers (whole per cent)."""
        n = self.honoured.total
        return [(lv, counts, total, percent(total, n)) for lv, counts, total in self.honour_rows]

    @property
    def honour_kinds(self) -> list[str]:
        """The five fixed kinds, and 其他荣誉 (优秀班主任, 师德标兵…) only when someone has one."""
        other = str(HonourKind.OTHER.label)
        kinds = [str(label) for value, label in HonourKind.choices if value != HonourKind.OTHER]
        return [*kinds, other] if any(other in row for row in self.honours.values()) else kinds


def partition(shares: list[Share]) -> list[Share]:
    """Whole per cents that add to exactly 100 for the parts of one whole (女 51% + 男 49%,
    never 101%): largest remainder."""
    total = sum(x.count for x in shares)
    if not total or total != shares[0].total:
        return shares
    exact = [Decimal(x.count * 100) / total for x in shares]
    floors = [int(e) for e in exact]
    left = 100 - sum(floors)
    for i in sorted(range(len(shares)), key=lambda i: exact[i] - floors[i], reverse=True)[:left]:
        floors[i] += 1
    for x, f in zip(shares, floors, strict=True):
        x.fixed = f
    return shares


def percent(count: int, total: int) -> int:
    """Whole per cent, rounded half up as a person would (35/60 → 58%)."""
    if not total:
        return 0
    return int((Decimal(count * 100) / Decimal(total)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def years_ago(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _band_q(field_name: str, on: dt.date, low: int | None, high: int | None) -> Q:
    """low ≤ whole years since `field` < high, as a filter on the date itself."""
    q = Q(**{f"{field_name}__isnull": False})
    if low is not None:
        q &= Q(**{f"{field_name}__lte": years_ago(on, low)})
    if high is not None:
        q &= Q(**{f"{field_name}__gt": years_ago(on, high)})
    return q


def structure_analysis(*, school: School, on: dt.date) -> Analysis:
    teachers = Teacher.objects.filter(school=school, is_active=True)
    not_yet = Q(birth_date__month__gt=on.month) | Q(birth_date__month=on.month, birth_date__day__gt=on.day)
    agg = {
        "total": Count("id"),
        "with_birth": Count("id", filter=Q(birth_date__isnull=False)),
        "no_since": Count("id", filter=Q(teaching_since__isnull=True)),
        "year_sum": Sum(ExtractYear("birth_date")),
        "not_yet": Count("id", filter=Q(birth_date__isnull=False) & not_yet),
        "new": Count("id", filter=Q(teaching_since__gt=years_ago(on, 3))),
        "head": Count("id", filter=Q(is_head_teacher=True)),
        "male": Count("id", filter=Q(gender=Gender.MALE)),
        "female": Count("id", filter=Q(gender=Gender.FEMALE)),
    }
    for i, (_, low, high) in enumerate(AGE_BANDS):
        agg[f"age{i}"] = Count("id", filter=_band_q("birth_date", on, low, high))
    for i, (_, low, high) in enumerate(FIVE_YEAR_BANDS):
        agg[f"five{i}"] = Count("id", filter=_band_q("birth_date", on, low, high))
    for i, (_, low, high) in enumerate(TEACHING_BANDS):
        agg[f"teach{i}"] = Count("id", filter=_band_q("teaching_since", on, low, high))
    a = teachers.aggregate(**agg)
    n = a["total"]
    avg_age = None
    if a["with_birth"]:
        age_sum = a["with_birth"] * on.year - a["year_sum"] - a["not_yet"]
        avg_age = int((Decimal(age_sum) / a["with_birth"]).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    edu_counts = dict(teachers.values_list("education").annotate(c=Count("id")).values_list("education", "c"))
    title_counts = dict(teachers.values_list("title").annotate(c=Count("id")).values_list("title", "c"))
    honour_rows = (
        TeacherHonour.objects.filter(teacher__school=school, teacher__is_active=True)
        .values("level", "kind")
        .annotate(c=Count("teacher", distinct=True))
    )
    levels = {v: str(lb) for v, lb in HonourLevel.choices}
    kinds = {v: str(lb) for v, lb in HonourKind.choices}
    honours: dict[str, dict[str, int]] = {}
    raw = {(r["level"], r["kind"]): r["c"] for r in honour_rows}
    for lv, _label in HonourLevel.choices:
        row = {kinds[k]: raw[(lv, k)] for k in kinds if raw.get((lv, k))}
        if row:
            honours[levels[lv]] = row
    honoured = teachers.filter(honours__isnull=False).values("id").distinct().count()
    bands: dict[str, int] = {}
    for value, c in title_counts.items():
        band = TITLE_BANDS.get(value, "未评")
        bands[band] = bands.get(band, 0) + c
    result = Analysis(
        school=school,
        on=on,
        total=n,
        avg_age=avg_age,
        no_birth=n - a["with_birth"],
        no_since=a["no_since"],
        age_bands=[Share(label, a[f"age{i}"], n) for i, (label, _, _) in enumerate(AGE_BANDS)],
        five_year=[Share(label, a[f"five{i}"], n) for i, (label, _, _) in enumerate(FIVE_YEAR_BANDS)],
        education=partition([Share(str(label), edu_counts.get(v, 0), n) for v, label in Education.choices]),
        titles=partition([Share(str(label), title_counts.get(v, 0), n) for v, label in Title.choices]),
        title_bands=partition([Share(b, bands.get(b, 0), n) for b in TITLE_BAND_ORDER]),
        teaching_bands=[Share(label, a[f"teach{i}"], n) for i, (label, _, _) in enumerate(TEACHING_BANDS)],
        gender=partition([Share("女", a["female"], n), Share("男", a["male"], n)]),
        new_teachers=Share("新教师", a["new"], n),
        head_teachers=Share("班主任", a["head"], n),
        honours=honours,
        honoured=Share("获荣誉称号", honoured, n),
    )
    result.paragraph = paragraph(result)
    result.charts = charts(result)
    return result


def _share(s: Share, long: bool = False) -> str:
    word = "占" if s.exact else "约占"
    return f"{word}在职教师总数的{s.percent}%" if long else f"{word}{s.percent}%"


def paragraph(a: Analysis) -> str:
    """The 现状分析 in the school's own style (seed 000 篇3)."""
    if not a.total:
        return "学校尚无在职教师数据，请先导入教师名册。"
    parts = [f"学校现有专任教师{a.total}人"]
    if a.avg_age is not None:
        parts.append(f"平均年龄{a.avg_age}岁")
    for s, word in zip(a.age_bands, AGE_BAND_WORDS, strict=True):
        parts.append(f"{s.label}{word}{s.count}人，{_share(s, long=True)}")
    text = "，".join(parts) + "。"
    if a.no_birth:
        text += f"另有{a.no_birth}人未填写出生日期。"
    edu = []
    masters = sum(s.count for s in a.education if s.label in ("博士研究生", "硕士研究生"))
    if masters:
        edu.append(Share("研究生", masters, a.total))
    edu += [s for s in a.education if s.count and s.label not in ("博士研究生", "硕士研究生")]
    if edu:
        bits = [f"{s.label}学历{s.count}人，{_share(s, long=i == 0)}" for i, s in enumerate(edu)]
        text += "其中" + "，".join(bits) + "。"
    pieces = [f"{TITLE_BAND_WORDS[s.label]}教师{s.count}人，{_share(s)}" for s in a.title_bands if s.count and s.label != "未评"]
    honour_text = _honour_phrase(a)
    if honour_text:
        word = "占" if a.honoured.exact else "约占"
        pieces.append(f"{honour_text}，共{word}在职教师数的{a.honoured.percent}%")
    if pieces:
        text += "学校现有" + "，".join(pieces) + "。"
    text += f"教龄3年以内的新教师{a.new_teachers.count}人，{_share(a.new_teachers)}；"
    text += f"女教师{a.gender[0].count}人，男教师{a.gender[1].count}人；班主任{a.head_teachers.count}人。"
    return text


def _honour_phrase(a: Analysis) -> str:
    """县级学科带头人、骨干教师各1人，县级教坛新秀5人: kinds with equal counts share a 各."""
    out = []
    for level, row in a.honours.items():
        kinds = [(k, c) for k, c in row.items()]
        i = 0
        while i < len(kinds):
            j = i
            while j + 1 < len(kinds) and kinds[j + 1][1] == kinds[i][1]:
                j += 1
            names = "、".join(k for k, _ in kinds[i : j + 1])
            count = kinds[i][1]
            out.append(f"{level}{names}{'各' if j > i else ''}{count}人")
            i = j + 1
    return "，".join(out)


# ---------------------------------------------------------------- charts


def _pie(title: str, shares: list[Share]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}人（{d}%）"},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {
                "type": "pie",
                "name": title,
                "radius": ["35%", "62%"],
                "center": ["50%", "45%"],
                "label": {"formatter": "{b}\n{c}人"},
                "data": [{"name": s.label, "value": s.count} for s in shares if s.count],
            }
        ],
    }


def _bar(title: str, shares: list[Share]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        # The first rotated label (3年以内（新教师）) reached left of the chart and was clipped: the
        # note in brackets goes on a second line, and the grid leaves room for the labels.
        "grid": {"left": 24, "right": 16, "bottom": 8, "top": 30, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [s.label.replace("（", "\n（") for s in shares],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        "yAxis": {"type": "value", "minInterval": 1, "name": "人"},
        "series": [{"type": "bar", "name": title, "data": [s.count for s in shares], "label": {"show": True, "position": "top"}}],
    }


def _honour_bar(a: Analysis) -> dict[str, Any]:  # an ECharts option
    kinds = a.honour_kinds
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 16, "bottom": 50, "top": 30},
        "xAxis": {"type": "category", "data": list(a.honours)},
        "yAxis": {"type": "value", "minInterval": 1, "name": "人"},
        "series": [{"type": "bar", "stack": "h", "name": k, "data": [a.honours[lv].get(k, 0) for lv in a.honours]} for k in kinds],
    }


def charts(a: Analysis) -> dict[str, str]:
    out = {
        "age": _pie("年龄结构", a.age_bands),
        "five": _bar("年龄分布（五岁一段）", a.five_year),
        "education": _pie("学历结构", a.education),
        "titles": _pie("职称结构", a.title_bands),
        "teaching": _bar("教龄分布", a.teaching_bands),
        "gender": _pie("性别结构", a.gender),
    }
    if a.honours:
        out["honours"] = _honour_bar(a)
    return {k: json.dumps(v, ensure_ascii=False) for k, v in out.items()}


# ---------------------------------------------------------------- export


def export_workbook(a: Analysis) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "队伍结构分析"
    ws.column_dimensions["A"].width = 22
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 12
    ws.append([f"{a.school.name}教师队伍结构分析（{a.on:%Y年%-m月%-d日}）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([a.paragraph])
    ws.merge_cells("A2:G2")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 150
    for title, shares in [
        ("年龄结构", a.age_bands),
        ("年龄分布（五岁一段）", a.five_year),
        ("学历", a.education),
        ("职称", a.titles),
        ("职称等级", a.title_bands),
        ("教龄", a.teaching_bands),
        ("性别", a.gender),
        ("其他", [a.new_teachers, a.head_teachers, a.honoured]),
    ]:
        ws.append([])
        ws.append([title, "人数", "占比"])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for s in shares:
            ws.append([s.label, s.count, s.percent / 100])  # a number, shown as a per cent
            ws.cell(row=ws.max_row, column=3).number_format = "0%"
    ws.append([])
    ws.append(["荣誉称号", *a.honour_kinds, "合计", "占比"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for level, counts, total, share in a.honour_rows_with_share:
        ws.append([level, *counts, total, share / 100])
        ws.cell(row=ws.max_row, column=len(counts) + 3).number_format = "0%"
    return workbook_bytes(wb)
