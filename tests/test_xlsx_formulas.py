"""Text typed by people never becomes a live formula in an .xlsx export (issue #12, 6)."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from xiaoben.activities.tests.factories import make_activity
from xiaoben.core.xlsx import workbook_bytes
from xiaoben.writings.tests.helpers import write

EVIL = ['=HYPERLINK("http://x.invalid","点我")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def _no_formulas(data: bytes) -> list[str]:
    """Every cell's text as stored, and no <f> (formula) element anywhere in the sheets."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), f"a formula in {name}"
    wb = load_workbook(io.BytesIO(data))
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_the_helper_keeps_the_text_and_drops_the_formula():
    wb = Workbook()
    wb.active.append([*EVIL, 5, -3])
    texts = _no_formulas(workbook_bytes(wb))
    assert all(e in texts for e in EVIL) and "-3" in texts  # numbers stay numbers


@pytest.mark.parametrize("title", EVIL[:2])
def test_writings_export(world, client_for, title):
    write(world.teacher, title=title, submit=True)
    r = client_for("dean").get(reverse("writings:export_xlsx"))
    assert r.status_code == 200 and title in _no_formulas(r.content)


def test_attendance_export(world, client_for):
    a = make_activity(world, title=EVIL[0])
    r = client_for("leader").get(reverse("activities:export", args=[a.pk]))
    assert r.status_code == 200
    assert any(EVIL[0] in t for t in _no_formulas(r.content))


def test_observations_export(world, client_for):
    from xiaoben.observations.models import Observation
    from xiaoben.observations.rubrics import rubric_for_school
    from xiaoben.observations.tests.test_views import test_record_form_submit  # noqa: F401  (same form data)

    rubric = rubric_for_school(world.school)
    data = {
        "teacher": world.teacher.pk,
        "lesson_date": "2026-11-18",
        "kind": "regular",
        "lesson_title": EVIL[3],
        "strengths": EVIL[0],
        "action": "submit",
        **{f"score_{i.pk}": str(i.max_points) for i in rubric.items.all()},
    }
    client_for("mentor").post(reverse("observations:new"), data)
    assert Observation.objects.filter(lesson_title=EVIL[3]).exists()
    r = client_for("dean").get(reverse("observations:list"), {"format": "xlsx", "role": ""})
    assert r.status_code == 200 and any(EVIL[3] in t for t in _no_formulas(r.content))
