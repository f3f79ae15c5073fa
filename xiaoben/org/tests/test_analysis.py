"""教师队伍结构分析: exact counts, shares and the generated paragraph on a known roster;
the demo 小学 matches seed 000 篇3; constant queries; .xlsx export."""

import datetime as dt
import io
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from xiaoben.core.scope import SYSTEM
from xiaoben.org import analysis, services
from xiaoben.org.models import TeacherHonour


def _add(world, staff_no, name, *, birth, since, education, title, gender="F", head=False):
    return services.teacher_create(
        actor=SYSTEM,
        school=world.school,
        staff_no=staff_no,
        name=name,
        gender=gender,
        birth_date=birth,
        teaching_since=since,
        education=education,
        title=title,
        subject="语文",
        is_head_teacher=head,
    )


@pytest.fixture
def roster(world):
    """The world's six teachers (ages 54, 46, 41, 39, 25, 36 on 2026-11-18) plus four
    on the band edges: exactly 35, one day short of 35, exactly 50, one day short of 50."""
    n1 = _add(world, "101", "甲", birth=dt.date(1991, 11, 18), since=dt.date(2023, 11, 19), education="master", title="zhenggao", head=True)
    _add(world, "102", "乙", birth=dt.date(1991, 11, 19), since=dt.date(2023, 11, 18), education="college", title="yiji")
    _add(world, "103", "丙", birth=dt.date(1976, 11, 18), since=None, education="bachelor", title="sanji", gender="M")
    _add(world, "104", "丁", birth=dt.date(1976, 11, 19), since=dt.date(2020, 9, 1), education="college", title="none")
    gone = _add(world, "105", "戊", birth=dt.date(1960, 1, 1), since=dt.date(1980, 9, 1), education="doctor", title="gaoji")
    services.teacher_set_active(actor=SYSTEM, teacher=gone, active=False)  # left the school: not counted
    TeacherHonour.objects.bulk_create(
        [
            TeacherHonour(teacher=world.leader, level="county", kind="leader"),
            TeacherHonour(teacher=world.mentor, level="county", kind="backbone"),
            TeacherHonour(teacher=world.teacher, level="county", kind="new_star"),
            TeacherHonour(teacher=n1, level="county", kind="new_star"),
            TeacherHonour(teacher=n1, level="city", kind="backbone"),
            TeacherHonour(teacher=gone, level="province", kind="special"),
        ]
    )
    return world


def shares(items):
    return [(s.label, s.count, s.percent) for s in items]


EXPECTED_PARAGRAPH = (
    "学校现有专任教师10人，平均年龄41岁，35周岁以下青年教师2人，占在职教师总数的20%，"
    "35周岁至50周岁中年教师6人，占在职教师总数的60%，50岁以上教师2人，占在职教师总数的20%。"
    "其中研究生学历1人，占在职教师总数的10%，本科学历7人，占70%，专科学历2人，占20%。"
    "学校现有正高级职称教师1人，占10%，副高级职称教师1人，占10%，中级职称教师4人，占40%，初级职称教师2人，占20%，"
    "市级骨干教师1人，县级学科带头人、骨干教师各1人，县级教坛新秀2人，共占在职教师数的40%。"
    "教龄3年以内的新教师2人，占20%；女教师6人，男教师4人；班主任1人。"
)


def test_counts_and_shares_on_a_known_roster(roster):
    a = analysis.structure_analysis(school=roster.school, on=roster.today)
    assert a.total == 10 and a.avg_age == 41 and a.no_birth == 0 and a.no_since == 1
    assert shares(a.age_bands) == [("35周岁以下", 2, 20), ("35周岁至50周岁", 6, 60), ("50岁以上", 2, 20)]
    assert [s.count for s in a.five_year] == [0, 1, 1, 3, 1, 2, 2, 0]
    assert shares(a.education) == [
        ("博士研究生", 0, 0),
        ("硕士研究生", 1, 10),
        ("本科", 7, 70),
        ("专科", 2, 20),
        ("中专", 0, 0),
        ("其他", 0, 0),
    ]
    assert shares(a.title_bands) == [("正高", 1, 10), ("副高", 1, 10), ("中级", 4, 40), ("初级", 2, 20), ("未评", 2, 20)]
    assert [s.count for s in a.titles] == [1, 1, 4, 1, 1, 2]
    assert [s.count for s in a.teaching_bands] == [2, 1, 1, 3, 1, 1]
    assert (a.new_teachers.count, a.head_teachers.count) == (2, 1)
    assert shares(a.gender) == [("女", 6, 60), ("男", 4, 40)]
    assert a.honours == {"市级": {"骨干教师": 1}, "县级": {"学科带头人": 1, "骨干教师": 1, "教坛新秀": 2}}
    assert a.honoured.count == 4
    assert a.paragraph == EXPECTED_PARAGRAPH


def test_percent_rounds_like_the_seed():
    # seed 000 篇3: 35/60 约58%, 23/60 约38%, 2/60 约3%, 36/60 60%, 13/60 22%, 7/60 12%
    assert [analysis.percent(n, 60) for n in (35, 23, 2, 36, 13, 7)] == [58, 38, 3, 60, 22, 12]
    assert analysis.percent(1, 8) == 13 and analysis.percent(0, 0) == 0


@pytest.mark.parametrize("seed", [2026, 7])
def test_demo_primary_school_matches_seed_000(db, frozen_today, seed):
    from xiaoben.core.seeding import SeedContext
    from xiaoben.org import demo
    from xiaoben.org.models import School

    demo.build(SeedContext(today=dt.date(2026, 11, 18), rng=random.Random(seed)))
    a = analysis.structure_analysis(school=School.objects.get(name="南湖区实验小学"), on=dt.date(2026, 11, 18))
    assert a.total == 60
    assert shares(a.age_bands) == [("35周岁以下", 35, 58), ("35周岁至50周岁", 23, 38), ("50岁以上", 2, 3)]
    assert [(s.label, s.count, s.percent) for s in a.education if s.label == "本科"] == [("本科", 36, 60)]
    assert [(s.count, s.percent) for s in a.title_bands if s.label == "中级"] == [(13, 22)]
    assert a.honours["县级"] == {"学科带头人": 1, "骨干教师": 1, "教坛新秀": 5}
    assert (a.honoured.count, a.honoured.percent) == (7, 12)
    assert "35周岁以下青年教师35人，约占在职教师总数的58%" in a.paragraph
    assert "县级学科带头人、骨干教师各1人，县级教坛新秀5人，共约占在职教师数的12%" in a.paragraph


def test_page_shows_paragraph_and_charts(roster, client_for):
    r = client_for("dean").get(reverse("org:analysis"))
    body = r.content.decode()
    assert r.status_code == 200 and EXPECTED_PARAGRAPH in body
    assert body.count('class="chart"') == 7 and "echarts.min.js" in body


def test_researcher_sees_region_school_aggregates_only(roster, client_for):
    r = client_for("researcher").get(reverse("org:analysis") + f"?school={roster.school.pk}")
    body = r.content.decode()
    assert r.status_code == 200 and "学校现有专任教师10人" in body
    assert roster.teacher.name not in body and roster.teacher.user.phone not in body


def test_export_xlsx(roster, client_for):
    r = client_for("principal").get(reverse("org:analysis_export"))
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[1][0] == EXPECTED_PARAGRAPH
    assert ["35周岁以下", 2, 0.2] in [row[:3] for row in cells]  # a number formatted as per cent (issue 14)
    assert ["县级", 0, 1, 1, 2, 0, 4, 0.4] in cells  # with 占比


def test_analysis_query_count_is_constant(world, client_for):
    client = client_for("dean")
    client.get(reverse("org:analysis"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("org:analysis")).status_code == 200
        return len(ctx)

    before = count()
    for i in range(30):
        t = _add(
            world, f"9{i:02d}", f"测试{i}", birth=dt.date(1960 + i, 3, 1), since=dt.date(1990 + i, 9, 1), education="bachelor", title="erji"
        )
        TeacherHonour.objects.create(teacher=t, level="school", kind="backbone")
    assert count() == before
    with CaptureQueriesContext(connection) as ctx:
        analysis.structure_analysis(school=world.school, on=world.today)
    assert len(ctx) == 5


def test_teaching_chart_first_label_fits(roster):
    """Issue 14 item 11: the 教龄 chart's first label (3年以内（新教师）) was clipped at the left edge;
    the note goes on its own line and the grid keeps room for the rotated labels."""
    import json

    a = analysis.structure_analysis(school=roster.school, on=roster.today)
    option = json.loads(a.charts["teaching"])
    assert option["grid"]["containLabel"] is True
    first = option["xAxis"]["data"][0]
    assert first == "3年以内\n（新教师）" and max(len(line) for line in first.split("\n")) <= 5


def test_other_honours_get_a_column_only_when_present(roster):
    a = analysis.structure_analysis(school=roster.school, on=roster.today)
    assert "其他荣誉" not in a.honour_kinds
    TeacherHonour.objects.create(teacher=roster.teacher, level="county", kind="other", name="优秀班主任")
    a = analysis.structure_analysis(school=roster.school, on=roster.today)
    assert a.honour_kinds[-1] == "其他荣誉"
    county = next(counts for level, counts, _total in a.honour_rows if level == "县级")
    assert county[-1] == 1
