"""课堂评价表: the default form, versioned edits, and the one scoring function.

Rule (SPEC §4, §10): a rubric that has scored an observation is never edited in
place; editing it makes a new version and old observations keep theirs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Observation, Rubric, RubricItem

DEFAULT_NAME = "课堂教学评价表"
DEFAULT_SCALE = [["优", 90], ["良", 80], ["中", 60], ["差", 0]]
# (维度, 项目, 评价要点, 权重, 满分)
DEFAULT_ITEMS = [
    ("教学目标", "目标明确适切", "符合课程标准和学情，目标具体、可检测", 10, 10),
    ("教学内容", "内容准确、重难点突出", "知识准确，容量适当，联系生活实际", 15, 10),
    ("教学过程与方法", "结构合理、方法得当", "环节清晰，过渡自然，启发引导，面向全体", 20, 10),
    ("教学过程与方法", "媒体与技术运用", "板书、课件、教具使用恰当有效", 5, 10),
    ("学生学习", "参与度与思维品质", "学生主动参与，合作探究，敢于质疑表达", 20, 10),
    ("教学效果", "目标达成", "大多数学生达成目标，练习反馈正确率高", 15, 10),
    ("教师素养", "语言、板书与教态", "语言准确精炼，板书工整，教态亲切自然", 10, 10),
    ("教师素养", "课堂调控与应变", "关注生成，及时评价，调控得当", 5, 10),
]
# Tap choices per item, as shares of the maximum; the default is the second (0.9).
LEVELS = (Decimal("1"), Decimal("0.9"), Decimal("0.8"), Decimal("0.7"), Decimal("0.6"))
DEFAULT_LEVEL = Decimal("0.9")


def item_choices(max_points: Decimal) -> list[Decimal]:
    """The segmented buttons of one item: max, 90%, 80%, 70%, 60%, rounded to 0.5."""
    out = []
    for f in LEVELS:
        v = (Decimal(max_points) * f * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2
        v = v.quantize(Decimal("0.1"))
        if v not in out:
            out.append(v)
    return out


def item_default(max_points: Decimal) -> Decimal:
    return item_choices(max_points)[1] if len(item_choices(max_points)) > 1 else Decimal(max_points)


def grade_for(total: Decimal | None, scale: list) -> str:
    """优/良/中/差 by total: the first band whose minimum the total reaches (inclusive)."""
    if total is None:
        return ""
    for label, minimum in sorted(scale or DEFAULT_SCALE, key=lambda b: -Decimal(str(b[1]))):
        if total >= Decimal(str(minimum)):
            return str(label)
    return str(sorted(scale or DEFAULT_SCALE, key=lambda b: Decimal(str(b[1])))[0][0])


def score_total(*, items: Iterable[RubricItem], points: Mapping[int, Decimal], scale: list) -> tuple[Decimal | None, str]:
    """Weighted total on a 100-point scale and its grade.

    total = Σ(得分/满分 × 权重) / Σ权重 × 100; items without a score are left out."""
    num = Decimal(0)
    den = Decimal(0)
    for item in items:
        p = points.get(item.pk)
        if p is None or not item.max_points:
            continue
        num += Decimal(p) / Decimal(item.max_points) * Decimal(item.weight)
        den += Decimal(item.weight)
    if not den:
        return None, ""
    total = (num / den * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return total, grade_for(total, scale)


def parse_scale(text: str) -> list:
    """'优:90，良:80，中:60，差:0' → [['优', 90], …] with a Chinese error on bad input."""
    bands = []
    for part in text.replace("，", ",").replace("；", ",").replace(";", ",").replace("：", ":").split(","):
        part = part.strip()
        if not part:
            continue
        label, _, minimum = part.partition(":")
        try:
            value = float(minimum)
        except ValueError:
            raise ValidationError(f"等级划分“{part}”格式不对，应写成 优:90") from None
        if not label.strip() or not 0 <= value <= 100:
            raise ValidationError(f"等级划分“{part}”格式不对，分数线应在 0–100 之间。")
        bands.append([label.strip()[:10], value])
    if not bands:
        raise ValidationError("请至少填写一个等级，例如 优:90，良:80，中:60，差:0")
    return sorted(bands, key=lambda b: -b[1])


def scale_text(scale: list) -> str:
    return "，".join(f"{label}:{int(m) if float(m).is_integer() else m}" for label, m in scale)


@transaction.atomic
def rubric_create_default(*, school, user=None) -> Rubric:
    rubric = Rubric.objects.create(school=school, name=DEFAULT_NAME, grade_scale=DEFAULT_SCALE, is_default=True, created_by=user)
    RubricItem.objects.bulk_create(
        RubricItem(rubric=rubric, dimension=d, title=t, descriptor=desc, weight=w, max_points=m, order=i)
        for i, (d, t, desc, w, m) in enumerate(DEFAULT_ITEMS)
    )
    return rubric


def rubric_for_school(school) -> Rubric:
    """The school's default current rubric; the built-in one is created on first use."""
    qs = Rubric.objects.filter(school=school, is_current=True)
    rubric = qs.filter(is_default=True).first() or qs.first()
    return rubric or rubric_create_default(school=school)


def rubric_is_used(rubric: Rubric) -> bool:
    return Observation.all_objects.filter(rubric=rubric).exists()


def _clean_items(items: list[dict]) -> list[dict]:
    if not items:
        raise ValidationError("评价表至少要有一个评价项目。")
    out = []
    for i, raw in enumerate(items, start=1):
        dimension = (raw.get("dimension") or "").strip()
        title = (raw.get("title") or "").strip()
        if not dimension or not title:
            raise ValidationError(f"第{i}项：评价维度和评价项目都要填写。")
        try:
            weight = Decimal(str(raw.get("weight")))
            max_points = Decimal(str(raw.get("max_points")))
        except Exception:
            raise ValidationError(f"第{i}项：权重和满分必须是数字。") from None
        if weight <= 0 or max_points <= 0 or weight > 1000 or max_points > 1000:
            raise ValidationError(f"第{i}项：权重和满分必须大于 0。")
        out.append(
            {
                "dimension": dimension[:30],
                "title": title[:100],
                "descriptor": (raw.get("descriptor") or "").strip()[:300],
                "weight": weight,
                "max_points": max_points,
            }
        )
    return out


@transaction.atomic
def rubric_save(
    *, school, user, name: str, items: list[dict], grade_scale: list, rubric: Rubric | None = None, is_default: bool = False
) -> Rubric:
    """Create a rubric, or edit one. Editing a used rubric makes a new version
    (the old one stays, read-only, with the observations scored on it)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("请填写评价表名称。")
    cleaned = _clean_items(items)
    if rubric is not None and rubric.school_id != school.pk:
        raise ValidationError("不能修改其他学校的评价表。")
    if rubric is not None and not rubric.is_current:
        raise ValidationError("这是旧版本，只能查看；请编辑当前版本。")
    if rubric is not None and rubric_is_used(rubric):
        Rubric.objects.filter(pk=rubric.pk).update(is_current=False)
        rubric = Rubric(
            school=school,
            lineage_id=rubric.lineage_id_or_self,
            version=rubric.version + 1,
            is_default=rubric.is_default,
            created_by=user,
        )
    elif rubric is None:
        rubric = Rubric(school=school, created_by=user)
    rubric.name = name[:100]
    rubric.grade_scale = grade_scale
    if is_default:
        rubric.is_default = True
    rubric.full_clean(exclude=["lineage", "created_by"])
    rubric.save()
    if is_default:
        Rubric.objects.filter(school=school, is_default=True).exclude(pk=rubric.pk).exclude(lineage_id=rubric.lineage_id_or_self).exclude(
            pk=rubric.lineage_id_or_self
        ).update(is_default=False)
    rubric.items.all().delete()
    RubricItem.objects.bulk_create(RubricItem(rubric=rubric, order=i, **it) for i, it in enumerate(cleaned))
    return rubric
