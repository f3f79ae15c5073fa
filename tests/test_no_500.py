"""The three 500s the outside probe found (issue #12, 4): each answers with a Chinese message."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaoben.observations.models import Observation
from xiaoben.observations.rubrics import rubric_for_school
from xiaoben.org import roster


@pytest.mark.parametrize("bad", ["NaN", "nan", "Infinity", "-Infinity", "sNaN", "1e999999"])
def test_a_score_that_is_not_a_number_is_a_message(world, client_for, bad):
    rubric = rubric_for_school(world.school)
    items = list(rubric.items.all())
    data = {
        "teacher": world.teacher.pk,
        "lesson_date": "2026-11-18",
        "kind": "regular",
        "strengths": "情境创设好",
        "action": "submit",
        **{f"score_{i.pk}": str(i.max_points) for i in items},
        f"score_{items[0].pk}": bad,
    }
    r = client_for("mentor").post(reverse("observations:new"), data)
    assert r.status_code == 200
    assert "得分" in r.content.decode()
    assert not Observation.all_objects.exists()
    r = client_for("mentor").post(reverse("observations:autosave"), {**data, "action": "draft"})
    assert r.status_code in (200, 400)


@pytest.mark.parametrize("url", ["/observations/", "/writings/", "/observations/growth/", "/org/teachers/", "/mentoring/"])
@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999", "1e5", "٣"])
def test_an_id_too_large_for_the_database_is_no_filter(world, client_for, url, value):
    r = client_for("dean").get(url, {"term": value, "group": value, "school": value, "year": value})
    assert r.status_code in (200, 302, 404)


def _corrupt(part: str) -> SimpleUploadedFile:
    src = io.BytesIO(_template())
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                data = data[: len(data) // 2]  # cut in the middle: not well-formed XML
            zout.writestr(item, data)
    return SimpleUploadedFile("名册.xlsx", out.getvalue())


_TEMPLATE: list[bytes] = []


def _template() -> bytes:
    from openpyxl import Workbook

    if not _TEMPLATE:
        wb = Workbook()
        ws = wb.active
        ws.title = roster.SHEET_NAME
        ws.append([c.header for c in roster.COLUMNS])
        ws.append(["901", "张三", "男"])
        buf = io.BytesIO()
        wb.save(buf)
        _TEMPLATE.append(buf.getvalue())
    return _TEMPLATE[0]


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml", "[Content_Types].xml"])
def test_a_roster_with_a_corrupt_part_is_a_message(world, client_for, part):
    report = roster.read_rows(_corrupt(part), school=world.school, today=world.today)
    # refused by the upload check (a part missing or unreadable) or by the reader (a sheet it cannot parse)
    assert report.errors and any(w in report.errors[0].message for w in ("不是有效的 Excel 表格", "无法读取这个 Excel 文件"))
    r = client_for("dean").post(reverse("org:roster_import"), {"file": _corrupt(part), "password": "xb2026abc"})
    assert r.status_code in (200, 302)
