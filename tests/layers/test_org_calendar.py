"""The school calendar (issue 14, item 3): single-day holidays and 调休 from a national
default the school edits; slots, week counts and weekly requirements use it; records on a
day off are allowed but marked.

The world's term: 2026-09-01 … 2027-01-22, 第5周 (国庆) a holiday week, today 2026-11-18."""

import datetime as dt

import pytest

from xiaoben.activities import schedule
from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import scope_for
from xiaoben.org import services
from xiaoben.org.calendar import SchoolCalendar
from xiaoben.org.models import Term
from xiaoben.requirements import services as req_services
from xiaoben.requirements.engine import progress_for_school
from xiaoben.requirements.models import Period

pytestmark = pytest.mark.django_db

FRIDAY = 4


def fridays(term):
    return [d for _, d in schedule.slot_dates(Term.objects.get(pk=term.pk), FRIDAY)]


def test_new_year_is_not_a_friday_for_the_slot(world):
    days = fridays(world.term)
    assert dt.date(2027, 1, 1) not in days  # 元旦
    assert dt.date(2026, 12, 25) in days and dt.date(2027, 1, 8) in days
    assert dt.date(2026, 10, 10) in days  # 国庆调休: Saturday 10 October follows Friday's timetable


def test_school_edits_the_calendar(world):
    dean = scope_for(world.users["dean"])
    services.calendar_day_set(actor=dean, school=world.school, date=dt.date(2026, 11, 27), kind="holiday", name="校运动会")
    services.calendar_day_set(actor=dean, school=world.school, date=dt.date(2027, 1, 1), kind="school_day", name="补课")
    days = fridays(world.term)
    assert dt.date(2026, 11, 27) not in days and dt.date(2027, 1, 1) in days
    with pytest.raises(NotPermitted):
        services.calendar_day_set(actor=scope_for(world.users["teacher"]), school=world.school, date=dt.date(2026, 12, 4), kind="holiday")
    with pytest.raises(Exception, match="工作日"):
        services.calendar_day_set(actor=dean, school=world.school, date=dt.date(2026, 12, 2), kind="workday")


def test_a_week_without_school_days_is_not_a_teaching_week(world):
    r = req_services.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每周反思",
        metric="writings.count",
        filters={"kinds": ["reflection"]},
        period=Period.WEEK,
        threshold=1,
    )
    before = progress_for_school(world.school, world.term).cell(world.teacher.pk, r.pk).required
    dean = scope_for(world.users["dean"])
    for i in range(5):  # 第8周 (2026-10-19 … 23): the whole week off
        services.calendar_day_set(
            actor=dean, school=world.school, date=dt.date(2026, 10, 19) + dt.timedelta(days=i), kind="holiday", name="秋假"
        )
    term = Term.objects.get(pk=world.term.pk)
    assert 8 not in term.teaching_weeks()
    after = progress_for_school(world.school, term).cell(world.teacher.pk, r.pk)
    assert after.required == before - 1
    assert "第8周" not in [b.label for b in after.buckets]


def test_day_off_names():
    cal = SchoolCalendar(None, dt.date(2026, 9, 1), dt.date(2027, 1, 31))
    assert cal.day_off_name(dt.date(2027, 1, 1)) == "元旦"
    assert cal.day_off_name(dt.date(2026, 10, 10)) == ""  # 调休 Saturday: school
    assert cal.day_off_name(dt.date(2026, 11, 21)) == "周末"


def test_calendar_page_and_day_off_mark(world, client_for):
    c = client_for("dean")
    r = c.get("/org/calendar/")
    assert r.status_code == 200 and "国庆节" in r.content.decode() and "元旦" in r.content.decode()
    r = c.post("/org/calendar/", {"date": "2026-11-12", "kind": "exam", "name": "期中考试"})
    assert r.status_code == 302
    assert "期中考试" in c.get("/org/calendar/").content.decode()
    assert client_for("teacher").get("/org/calendar/").status_code == 404
    from tests import factories as f

    obs = f.observation(world.teacher, world.mentor, dt.date(2027, 1, 1), term=world.term)
    html = client_for("teacher").get(f"/observations/{obs.pk}/").content.decode()
    assert "休息日·元旦" in html


def test_gender_shares_add_to_100_and_xlsx_percent_is_a_number(world):
    """Issue 14 item 11: 女 50.5% + 男 49.5% must not show 51% + 50%."""
    from xiaoben.org.analysis import Share, partition

    g = partition([Share("女", 101, 200), Share("男", 99, 200)])
    assert [x.percent for x in g] == [51, 49]
    three = partition([Share("a", 1, 3), Share("b", 1, 3), Share("c", 1, 3)])
    assert sum(x.percent for x in three) == 100


def test_analysis_xlsx_percent_cells_are_numbers(world):
    import io

    from openpyxl import load_workbook

    from xiaoben.org import analysis

    a = analysis.structure_analysis(school=world.school, on=world.today)
    ws = load_workbook(io.BytesIO(analysis.export_workbook(a))).active
    cells = [r for r in ws.iter_rows() if r[0].value in ("女", "男")]
    assert cells and all(isinstance(r[2].value, float) and r[2].number_format == "0%" for r in cells)


def test_honours_table_has_a_share_column(world, client_for):
    """Issue 14 item 11: the honours table says 占比."""
    from xiaoben.org.models import TeacherHonour

    TeacherHonour.objects.create(teacher=world.teacher, level="county", kind="backbone", year=2022)
    html = client_for("dean").get("/org/analysis/").content.decode()
    table = html.split('data-testid="honours"')[1].split("</table>")[0]
    assert "占比" in table and "%" in table
