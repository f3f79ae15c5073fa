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


def test_exports_go_through_the_door(world):
    import io

    import openpyxl

    from xiaoben.resources.exports import library_xlsx

    from .helpers import scope_of

    make_resource(world, title="本校的", index=False)
    make_resource(world, title="私有的", visibility="private", index=False)
    name, _mime, data = library_xlsx(actor=scope_of(world, "colleague"))
    titles = [row[2] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["本校的"] and name.endswith(".xlsx")
    _, _, data = library_xlsx(actor=scope_of(world, "other_teacher"))
    assert list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True)) == []
