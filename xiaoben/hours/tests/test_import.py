"""Import of external hours: bad rows reported with row, column and reason; nothing
half-saved; the same file twice never credits twice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.hours.importer import category_from_text, hours_import, parse_date
from xiaoben.hours.models import HourEntry, ImportBatch

from .factories import xlsx

GOOD = [
    ("X009", "刘思雨", "2026年国培计划网络研修", "网络研修", 30, dt.datetime(2026, 10, 20)),
    ("X004", "陈芳", "浙江省小学语文骨干教师培训", "集中培训", "24", "2026-07-10"),
    ("X004", "陈芳", "区级信息技术2.0应用能力提升", "区域", 6.5, "2026年9月5日"),
]


def test_good_file_imports_and_rerun_skips(world):
    r = hours_import(school=world.school, upload=xlsx(GOOD), actor=scope_for(world.users["dean"]))
    assert r.errors == [] and r.created == 3 and r.total_hours == Decimal("60.5")
    e = HourEntry.objects.get(teacher=world.teacher)
    assert (e.source, e.category, e.hours, e.date, e.term) == ("import", "online", Decimal("30"), dt.date(2026, 10, 20), world.term)
    again = hours_import(school=world.school, upload=xlsx(GOOD), actor=scope_for(world.users["dean"]))
    assert again.created == 0 and again.skipped == 3
    assert HourEntry.objects.count() == 3
    # a later export holding the old rows and one new row adds only the new one
    more = hours_import(school=world.school, upload=xlsx([*GOOD, ("X026", "赵强", "数学网络研修", "网络", 10, "2026/11/01")]), actor=SYSTEM)
    assert more.created == 1 and more.skipped == 3
    assert HourEntry.objects.count() == 4 and ImportBatch.objects.count() == 3


def test_bad_rows_are_reported_and_nothing_is_saved(world):
    rows = [
        *GOOD,
        ("999", "无此人", "培训", "网络", 3, "2026-10-01"),
        ("X009", "刘雨", "培训", "网络", 3, "2026-10-01"),
        ("X026", "赵强", "", "网络", 3, "2026-10-01"),
        ("X026", "赵强", "培训A", "参观", 3, "2026-10-01"),
        ("X026", "赵强", "培训B", "网络", "三", "2026-10-01"),
        ("X026", "赵强", "培训C", "网络", -2, "2026-10-01"),
        ("X026", "赵强", "培训D", "网络", 2, "2026-13-01"),
        ("X026", "赵强", "培训E", "网络", 2, "2027-10-01"),
        ("X009", "刘思雨", "2026年国培计划网络研修", "网络研修", 30, "2026-10-20"),
        ("X009", "刘思雨", "培训F", "网络", 1, dt.datetime(2026, 10, 1)),
        ("X009", "刘思雨", "培训F", "网络", 1, dt.datetime(2026, 10, 1)),
        (world.other_teacher.staff_no + "x", "孙丽", "培训", "网络", 1, "2026-10-01"),
    ]
    r = hours_import(school=world.school, upload=xlsx(rows), actor=scope_for(world.users["dean"]))
    got = {(e.row, e.column) for e in r.errors}
    assert {(5, "工号"), (6, "姓名"), (7, "培训名称"), (8, "类别"), (9, "学时"), (10, "学时"), (11, "日期"), (12, "日期")} <= got
    assert (13, "培训名称") in got  # same as row 2
    assert (15, "培训名称") in got  # same as row 14
    assert (16, "工号") in got
    assert "第5行「工号」：本校没有工号为 999 的教师" in [str(e) for e in r.errors]
    assert not HourEntry.objects.exists() and not ImportBatch.objects.exists()


def test_other_schools_teachers_are_unknown(world):
    rows = [(world.other_teacher.staff_no, world.other_teacher.name, "培训", "网络", 3, "2026-10-01")]
    world.other_teacher.staff_no = "777"
    world.other_teacher.save()
    rows = [("777", world.other_teacher.name, "培训", "网络", 3, "2026-10-01")]
    r = hours_import(school=world.school, upload=xlsx(rows), actor=SYSTEM)
    assert r.errors and not HourEntry.objects.exists()


@pytest.mark.parametrize(
    "upload,message",
    [
        (SimpleUploadedFile("x.xlsx", b"not excel at all"), "类型不被接受"),
        (xlsx([], header=("姓名", "学时")), "缺少列"),
        (xlsx([]), "没有数据行"),
    ],
)
def test_broken_files_get_a_clear_message(world, upload, message):
    with pytest.raises(ValidationError, match=message):
        hours_import(school=world.school, upload=upload, actor=SYSTEM)


def test_import_page(world, client_for):
    c = client_for("dean")
    r = c.post(reverse("hours:import"), {"file": xlsx(GOOD)}, follow=True)
    assert "新增 3 条" in r.content.decode()
    bad = xlsx([("999", "某", "培训", "网络", 3, "2026-10-01")])
    r = c.post(reverse("hours:import"), {"file": bad})
    body = r.content.decode()
    assert "第2行" in body and "本校没有工号为 999 的教师" in body and "没有导入任何数据" in body
    assert HourEntry.objects.count() == 3
    assert client_for("teacher").post(reverse("hours:import"), {"file": xlsx(GOOD)}).status_code == 404


@pytest.mark.parametrize(
    "text,code",
    [
        ("网络研修", "online"),
        ("远程培训", "online"),
        ("国培", "central"),
        ("集中面授", "central"),
        ("区县", "region"),
        ("校本", "school"),
        ("参观", None),
        ("", None),
    ],
)
def test_category_words(text, code):
    assert category_from_text(text) == code


@pytest.mark.parametrize(
    "value,day",
    [
        ("2026-10-01", dt.date(2026, 10, 1)),
        ("2026/1/5", dt.date(2026, 1, 5)),
        ("2026年10月1日", dt.date(2026, 10, 1)),
        ("2026.10.01", dt.date(2026, 10, 1)),
        ("2026-02-30", None),
        ("十月一日", None),
        (None, None),
    ],
)
def test_dates(value, day):
    assert parse_date(value) == day


def test_rows_without_a_sheet_follow_the_same_rules(world):
    """`hours_import_rows` (what the upload calls once the sheet is read; the demo seed calls it
    with a platform export's rows): the school's admins only, every row checked, all or nothing."""
    from xiaoben.core.errors import NotPermitted
    from xiaoben.hours.importer import hours_import_rows

    header = ("工号", "姓名", "培训名称", "类别", "学时", "日期")
    with pytest.raises(NotPermitted):
        hours_import_rows(actor=scope_for(world.users["teacher"]), school=world.school, rows=[header, GOOD[1]], file_name="x.xlsx")
    bad = hours_import_rows(
        actor=SYSTEM, school=world.school, rows=[header, GOOD[1], ("X026", "赵强", "研修", "网络", -1, "2026/11/01")], file_name="x.xlsx"
    )
    assert [str(e) for e in bad.errors] == ["第3行「学时」：学时应在 0 到 200 之间"]
    assert not HourEntry.objects.filter(source="import").exists()
    r = hours_import_rows(actor=SYSTEM, school=world.school, rows=[header, GOOD[1]], file_name="平台导出.xlsx")
    assert (r.created, r.batch.file_name) == (1, "平台导出.xlsx")
