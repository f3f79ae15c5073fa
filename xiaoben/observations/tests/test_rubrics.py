"""Weighted totals, grade boundaries, and rubric versioning (old totals never change)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from xiaoben.observations import rubrics as rs
from xiaoben.observations.models import Observation, Rubric, RubricItem


def _items(rubric):
    return list(rubric.items.all())


def test_default_rubric_created_on_first_use(world):
    r = rs.rubric_for_school(world.school)
    assert r.is_default and r.version == 1
    dims = {i.dimension for i in r.items.all()}
    assert {"教学目标", "教学内容", "教学过程与方法", "学生学习", "教学效果", "教师素养"} <= dims
    assert sum(i.weight for i in r.items.all()) == 100
    assert rs.rubric_for_school(world.school).pk == r.pk  # not created twice


def test_weighted_total(world):
    r = rs.rubric_save(
        school=world.school,
        user=None,
        name="测试表",
        grade_scale=rs.DEFAULT_SCALE,
        items=[
            {"dimension": "教学目标", "title": "A", "weight": 30, "max_points": 10},
            {"dimension": "学生学习", "title": "B", "weight": 70, "max_points": 20},
        ],
    )
    a, b = _items(r)
    # 8/10×30 + 20/20×70 = 24 + 70 = 94
    assert rs.score_total(items=[a, b], points={a.pk: Decimal(8), b.pk: Decimal(20)}, scale=r.grade_scale) == (Decimal("94.0"), "优")
    # weights need not sum to 100: 5/10×1 + 10/20×3 → 50
    a.weight, b.weight = Decimal(1), Decimal(3)
    assert rs.score_total(items=[a, b], points={a.pk: Decimal(5), b.pk: Decimal(10)}, scale=r.grade_scale)[0] == Decimal("50.0")
    assert rs.score_total(items=[a, b], points={}, scale=r.grade_scale) == (None, "")


@pytest.mark.parametrize(
    "total,grade",
    [(100, "优"), (90, "优"), (89.9, "良"), (80, "良"), (79.9, "中"), (60, "中"), (59.9, "差"), (0, "差")],
)
def test_grade_boundaries_inclusive(total, grade):
    assert rs.grade_for(Decimal(str(total)), rs.DEFAULT_SCALE) == grade


def test_parse_scale_chinese_errors():
    assert rs.parse_scale("良:80，优:90；差:0") == [["优", 90.0], ["良", 80.0], ["差", 0.0]]
    with pytest.raises(ValidationError, match="格式不对"):
        rs.parse_scale("优九十")
    with pytest.raises(ValidationError):
        rs.parse_scale("")


def test_item_choices_are_tap_friendly():
    assert rs.item_choices(Decimal(10)) == [Decimal("10.0"), Decimal("9.0"), Decimal("8.0"), Decimal("7.0"), Decimal("6.0")]
    assert rs.item_default(Decimal(10)) == Decimal("9.0")
    assert rs.item_choices(Decimal(5))[1] == Decimal("4.5")


def test_bad_items_rejected_nothing_saved(world):
    with pytest.raises(ValidationError, match="第1项"):
        rs.rubric_save(school=world.school, user=None, name="坏表", grade_scale=rs.DEFAULT_SCALE, items=[{"dimension": "", "title": "x"}])
    assert not Rubric.objects.filter(name="坏表").exists()


def test_unused_rubric_is_edited_in_place(world):
    r = rs.rubric_for_school(world.school)
    edited = rs.rubric_save(
        school=world.school,
        user=None,
        name="改过的表",
        grade_scale=r.grade_scale,
        rubric=r,
        items=[{"dimension": "教学目标", "title": "目标", "weight": 100, "max_points": 10}],
    )
    assert edited.pk == r.pk and edited.version == 1
    assert RubricItem.objects.filter(rubric=r).count() == 1


def test_editing_a_used_rubric_makes_a_version_and_old_totals_stay(world, record):
    r = rs.rubric_for_school(world.school)
    obs = record(level=None)  # 90% on every item → 90.0 优
    assert obs.total == Decimal("90.0") and obs.grade_label == "优"
    old_items = _items(r)
    # the admin halves the first item's max points and raises the 优 line
    items = [
        {"dimension": i.dimension, "title": i.title, "descriptor": i.descriptor, "weight": i.weight, "max_points": i.max_points}
        for i in old_items
    ]
    items[0]["weight"] = 50
    v2 = rs.rubric_save(
        school=world.school, user=None, name=r.name, items=items, grade_scale=[["优", 95], ["良", 85], ["中", 60], ["差", 0]], rubric=r
    )
    assert v2.pk != r.pk and v2.version == 2 and v2.lineage_id == r.pk
    r.refresh_from_db()
    assert not r.is_current and v2.is_current
    assert rs.rubric_for_school(world.school).pk == v2.pk  # new observations use v2
    obs.refresh_from_db()
    assert obs.rubric_id == r.pk and obs.total == Decimal("90.0") and obs.grade_label == "优"
    assert [s.item_id for s in obs.scores.all()] and {s.item.rubric_id for s in obs.scores.all()} == {r.pk}
    # recomputing from the old version still gives the same total
    assert rs.score_total(items=old_items, points={s.item_id: s.points for s in obs.scores.all()}, scale=r.grade_scale)[0] == obs.total
    # an old version can no longer be edited
    with pytest.raises(ValidationError, match="旧版本"):
        rs.rubric_save(school=world.school, user=None, name="x", items=items, grade_scale=rs.DEFAULT_SCALE, rubric=r)
    new = record(observer=world.leader)
    assert new.rubric_id == v2.pk and new.grade_label == "良"  # 90 is 良 on v2's scale
    # editing v2 again makes v3 in the same lineage
    v3 = rs.rubric_save(school=world.school, user=None, name="第三版", items=items, grade_scale=rs.DEFAULT_SCALE, rubric=v2)
    assert v3.version == 3 and v3.lineage_id == r.pk
    assert Observation.objects.get(pk=obs.pk).total == Decimal("90.0")


def test_rubric_of_other_school_cannot_be_edited(world):
    r = rs.rubric_for_school(world.other_school)
    with pytest.raises(ValidationError):
        rs.rubric_save(
            school=world.school,
            user=None,
            name="x",
            items=[{"dimension": "a", "title": "b", "weight": 1, "max_points": 1}],
            grade_scale=rs.DEFAULT_SCALE,
            rubric=r,
        )
