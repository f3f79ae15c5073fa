import datetime as dt

from xiaoben.requirements.registry import get_metric

from .helpers import make_resource


def test_shared_resources_count_private_ones_do_not(world):
    make_resource(world, title="一", kind="exercise", index=False)
    make_resource(world, title="二", kind="lesson_plan", visibility="group", group=world.prep, index=False)
    make_resource(world, title="私", kind="exercise", visibility="private", index=False)
    m = get_metric("resources.shared")
    start, end = dt.date(2026, 9, 1), dt.date(2027, 1, 22)
    assert m.totals(school_id=world.school.pk, start=start, end=end, filters={}) == {world.teacher.pk: 2}
    assert m.totals(school_id=world.school.pk, start=start, end=end, filters={"kinds": ["exercise"]}) == {world.teacher.pk: 1}
