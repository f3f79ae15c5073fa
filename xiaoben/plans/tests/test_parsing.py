"""Reading plans as schools write them: sections on every plan in the seeds, month
lists, kinds and owners of items, recurring slots; the quota finder on phrasings of
our own (periods, numerals, qualifiers, accumulations, and sentences that are not quotas)."""

import glob
import re

import pytest

from tests.seeds import SEEDS as SEEDS_DIR
from xiaoben.plans.parsing import extract_items, guess_kind, small_number, split_sections
from xiaoben.requirements.plan_import import extract

SEEDS = str(SEEDS_DIR)


def _seed(prefix: str) -> str:
    (path,) = glob.glob(f"{SEEDS}/{prefix}_*.txt")
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _plans_000() -> dict[int, str]:
    parts = re.split(r"\n小学校本研修工作计划2022 篇(\d+)\n", _seed("000"))
    return {int(n): body for n, body in zip(parts[1::2], parts[2::2], strict=True)}


pytestmark = pytest.mark.skipif(not glob.glob(f"{SEEDS}/000_*.txt"), reason="seed documents not present")

# 篇 → the section titles, in order (前言 is the text before the first heading).
EXPECTED_000 = {
    1: ["研修目标", "学习内容", "研修过程", "成果设计"],
    2: ["指导思想", "工作目标", "具体工作", "工作措施"],
    3: [
        "前言",
        "教师专业研修现状及需求的分析",
        "教师专业成长学期目标设计",
        "研修活动需要解决的问题",
        "研修的方式和途径",
        "实施过程中的注意事项",
        "研修保障措施",
    ],
    4: ["指导思想", "工作目标", "具体工作", "工作措施"],
    5: ["前言", "研修目标", "研修内容", "具体实施方案"],
    6: ["前言", "工作思路", "工作目标", "工作要点", "研修方式与活动", "考核方法"],
    7: ["前言", "指导思想", "总体目标"],
    8: ["前言", "校本研修的目的", "主要任务", "具体措施"],
    9: ["前言", "工作思路", "工作目标", "工作要点", "研修方式与活动", "考核方法"],
    10: ["前言", "研修目标", "研修内容", "具体实施方案"],
    11: ["指导思想", "主要工作", "具体措施", "每月安排"],
    12: ["前言", "健全管理制度", "规范管理备课组工作", "创新校本研修活动", "进一步抓好师徒结对工作", "按要求完成好上级安排的各项工作"],
    13: ["指导思想", "校本教研形式", "工作重点", "管理方式", "具体安排"],
}
KEYS_000 = {
    2: ["guiding", "goals", "content", "content"],
    3: ["other", "analysis", "goals", "content", "content", "content", "safeguards"],
    6: ["other", "guiding", "goals", "content", "content", "safeguards"],
    11: ["guiding", "content", "content", "monthly"],
    12: ["guiding", "safeguards", "content", "content", "content", "content"],
    13: ["guiding", "content", "content", "safeguards", "monthly"],
}


@pytest.mark.parametrize("n", sorted(EXPECTED_000))
def test_sections_of_every_plan_in_seed_000(n):
    sections = split_sections(_plans_000()[n])
    assert [s.title for s in sections] == EXPECTED_000[n]
    if n in KEYS_000:
        assert [s.key for s in sections] == KEYS_000[n]
    assert all(s.body for s in sections), [s.title for s in sections if not s.body]


def test_section_bodies_keep_their_sub_headings():
    s = split_sections(_plans_000()[11])
    assert s[1].body.startswith("(一) 联系实际") and "(二)狠抓课堂教学研究" in s[1].body
    assert s[3].body.startswith("九月份") and s[3].body.rstrip().endswith("2、校本教研工作总结")


def test_sections_of_the_district_and_school_plans():
    district = [(s.title, s.key) for s in split_sections(_seed("001"))]
    assert district[:4] == [("前言", "other"), ("工作思路", "guiding"), ("工作目标", "goals"), ("工作要点", "content")]
    plan_003 = [(s.title, s.key) for s in split_sections(_seed("003"))]
    assert plan_003 == [("前言", "other"), ("指导思想", "guiding"), ("研修目标", "goals"), ("研修重点", "content"), ("研修措施", "content")]


def test_sub_level_headings_when_a_plan_has_no_top_level():
    text = "（一）指导思想\n以课堂为阵地。\n（二）工作目标\n提高质量。\n1、每人一节研讨课。"
    assert [(s.title, s.key) for s in split_sections(text)] == [("指导思想", "guiding"), ("工作目标", "goals")]


def test_heading_inline_with_its_text():
    text = "一、工作思路:“强化科研意识”，以更新观念为先导。\n二、工作目标通过开展校本研修，提升素质。"
    secs = split_sections(text)
    assert [(s.title, s.body[:4]) for s in secs] == [("工作思路", "“强化科"), ("工作目标", "通过开展")]


def _months(items):
    out: dict = {}
    for it in items:
        out.setdefault(it.month, []).append(it.title)
    return out


def test_month_list_of_plan_11():
    items = extract_items(_plans_000()[11])
    months = _months(items)
    assert list(months) == [9, 10, 11, 12, 1]
    assert months[10] == ["集体备课", "杨校长“建构理论”讲座", "校级青年教师评优课"]
    assert len(months[11]) == 5 and months[1] == ["集体备课", "校本教研工作总结"]
    kinds = {it.title: (it.kind, it.owner) for it in items}
    assert kinds["定校本教研活动计划"] == ("planning", "school")
    assert kinds["集体备课"] == ("lesson_prep", "groups")
    assert kinds["杨校长“建构理论”讲座"] == ("lecture", "person")
    assert kinds["校级青年教师评优课"] == ("open_lesson", "school")
    assert kinds["读书汇报会"] == ("reading", "school")
    assert kinds["校本教研工作总结"] == ("summary", "school")
    talk = next(it for it in items if "建构理论" in it.title)
    assert (talk.owner_name, talk.topic) == ("杨校长", "建构理论")
    assert not any(it.doubtful for it in items)


def test_month_list_of_plan_13_and_its_weekly_times():
    items = extract_items(_plans_000()[13])
    months = _months(i for i in items if not i.recurring)
    assert list(months) == [2, 3, 4, 5, 6]
    assert months[5] == ["教研组教研活动", "校级研讨课总结", "理论学习", "教师撰写经验或论文"]  # "1教研组…" without 、
    assert next(i for i in items if i.title == "骨干教师示范课").lesson_kind == "demo"
    assert next(i for i in items if i.title == "召开教研组长会").owner == "school"
    weekly = [(i.subject, i.weekday, i.period, i.doubtful) for i in items if i.recurring]
    assert weekly == [("语文", 4, 3, True), ("数学", 3, 3, True)]


def test_month_sentences_of_plan_12():
    items = extract_items(_plans_000()[12])
    assert [(i.month, i.kind, i.topic) for i in items] == [(3, "same_topic", "同课异构"), (4, "lesson_study", "一课多上")]


def test_plans_without_a_month_list_give_no_month_items():
    for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10):
        assert [i for i in extract_items(_plans_000()[n]) if not i.recurring] == [], n


def test_recurring_times_in_the_prose_are_doubtful():
    items = extract_items(_seed("003"))
    assert [(i.title, i.weekday, i.kind, i.doubtful) for i in items] == [
        ("每周二下午业务学习", 1, "study", True),
        ("每周一下午集体备课", 0, "lesson_prep", True),
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("10月：集体备课、专题讲座", [(10, "集体备课"), (10, "专题讲座")]),
        ("10月份\n1.集体备课\n2.读书交流", [(10, "集体备课"), (10, "读书交流")]),
        ("九月份：1、定计划 2、集体备课 3、学习“生本课堂”理论", [(9, "定计划"), (9, "集体备课"), (9, "学习“生本课堂”理论")]),
        ("3月份主要搞好“同课异构”活动。", [(3, "“同课异构”活动")]),
        ("十一月：\n（1）数学组同课异构\n（2）语文组读书沙龙", [(11, "数学组同课异构"), (11, "语文组读书沙龙")]),
        ("12月\n①优秀教案评比\n②期末工作总结", [(12, "优秀教案评比"), (12, "期末工作总结")]),
    ],
)
def test_month_list_forms(text, expected):
    assert [(i.month, i.title) for i in extract_items(text)] == expected


def test_week_lists():
    items = extract_items("第3周：语文组集体备课\n第5-6周：\n1、青年教师汇报课\n2、读书交流")
    assert [(i.week, i.week_end, i.title, i.kind) for i in items] == [
        (3, None, "语文组集体备课", "lesson_prep"),
        (5, 6, "青年教师汇报课", "open_lesson"),
        (5, 6, "读书交流", "reading"),
    ]
    assert items[0].owner == "group" and items[0].subject == "语文"


def test_dates_are_not_month_headers():
    assert extract_items("2024年10月30日开展校本教研\n10月30日召开会议") == []


@pytest.mark.parametrize(
    "text,kind",
    [
        ("集体备课", "lesson_prep"),
        ("专家讲座", "lecture"),
        ("校级研讨课", "open_lesson"),
        ("同课异构", "same_topic"),
        ("一课多研", "lesson_study"),
        ("读书汇报会", "reading"),
        ("理论学习", "study"),
        ("外出学习汇报", "outside"),
        ("课件评比", "competition"),
        ("教研工作总结", "summary"),
        ("期末复习考试", "exam"),
        ("网络研修", "online"),
        ("主题教研活动", "seminar"),
    ],
)
def test_kind_is_guessed_from_words(text, kind):
    assert guess_kind(text)[0] == kind


def test_small_numbers():
    assert [small_number(x) for x in ("九", "十", "十一", "十二", "3", "二十")] == [9, 10, 11, 12, 3, 20]


# --- the quota finder on phrasings of our own ---------------------------------------

R, N, INS, CASE, PAPER = ["reflection"], ["reading_note"], ["insight"], ["case", "narrative"], ["paper", "experience"]
# phrase -> (period, threshold, metric, kinds, applies_to, doubtful)
QUOTAS = [
    ("每两周听课一节", ("two_week", 1, "observations.given", None, "all", False)),
    ("隔周参加一次集体备课", ("two_week", 1, "activities.attended", ["lesson_prep"], "all", False)),
    ("各教研组双周组织一次教研活动", ("two_week", 1, "activities.organised", None, "group_leaders", False)),
    ("每双周写一篇教学反思", ("two_week", 1, "writings.count", R, "all", False)),
    ("每隔一周上交一篇心得", ("two_week", 1, "writings.count", INS, "all", False)),
    ("每五年累计培训不少于360学时", ("five_year", 360, "hours.total", None, "all", False)),
    ("五年内累计完成继续教育360学时", ("five_year", 360, "hours.total", None, "all", False)),
    ("全年累计撰写读书笔记不少于1万字", ("school_year", 10000, "writings.chars", N, "all", False)),
    ("读书笔记全年累计不少于两万字", ("school_year", 20000, "writings.chars", N, "all", False)),
    ("每学年累计听课不少于40节", ("school_year", 40, "observations.given", None, "all", False)),
    ("每学期读书笔记不少于3000字", ("term", 3000, "writings.chars", N, "all", False)),
    ("每学期写读书笔记1.5万字", ("term", 15000, "writings.chars", N, "all", False)),
    ("每学期听课十二节以上", ("term", 12, "observations.given", None, "all", False)),
    ("每学期听课不少于廿节", None),  # 廿 is not read: nothing rather than a wrong number
    ("每位教师每学期至少上一节研讨课", ("term", 1, "activities.public_lessons_given", None, "all", False)),
    ("每学年撰写教学论文一篇", ("school_year", 1, "writings.count", PAPER, "all", False)),
    ("每月撰写教育叙事一篇", ("month", 1, "writings.count", CASE, "all", False)),
    ("每周写教学反思不少于1篇", ("week", 1, "writings.count", R, "all", False)),
    ("每学期写反思5篇，每篇不少于300字", ("term", 5, "writings.count", R, "all", True)),
    ("教学反思每学期10篇，每篇字数不少于500字", ("term", 10, "writings.count", R, "all", True)),
    ("每学期跨学科听课不少于5节", ("term", 5, "observations.given", None, "all", True)),
    ("35周岁以下教师每学期上一节公开课", ("term", 1, "activities.public_lessons_given", None, "all", True)),
    ("40岁以下教师每学年写一篇论文", ("school_year", 1, "writings.count", PAPER, "all", True)),
    ("青年教师每学期上一节汇报课", ("term", 1, "activities.public_lessons_given", "new_teachers", True)),
    ("骨干教师每学期上一节示范课", ("term", 1, "activities.public_lessons_given", None, "all", True)),
    ("每学期写一篇高质量的教学案例", ("term", 1, "writings.count", CASE, "all", False)),  # kept as a note
    ("新教师每周听课不少于两节", ("week", 2, "observations.given", None, "new_teachers", False)),
    ("徒弟每月听师傅的课不少于4节", ("month", 4, "mentoring.mentee_observed_mentor", None, "mentees", False)),
    ("师傅每学期听徒弟的课不少于8节", ("term", 8, "mentoring.mentor_observed_mentee", None, "mentors", False)),
    ("教研组长每学期组织三次专题讲座", ("term", 3, "activities.organised", ["lecture"], "group_leaders", False)),
    ("每学年参加培训不少于72学时", ("school_year", 72, "hours.total", None, "all", False)),
    ("每月参加两次集体备课", ("month", 2, "activities.attended", ["lesson_prep"], "all", False)),
    ("每学期在集体备课中担任中心发言人一次", ("term", 1, "activities.hosted", ["lesson_prep"], "all", False)),
    ("每学期每人听课不少于20节，其中跨学科听课不少于5节", ("term", 20, "observations.given", None, "all", True)),
    ("本学期听课262节", ("term", 262, "observations.given", None, "all", True)),  # a summary's number: asked about
    ("每学期阅读一本教育专著并写读后感", ("term", 1, "writings.count", ["book_review"], "all", False)),
    ("每学期写一份经验总结", ("term", 1, "writings.count", PAPER, "all", False)),
    ("每周至少一次教学反思", ("week", 1, "writings.count", R, "all", False)),
    ("读书心得每月一篇", ("month", 1, "writings.count", N, "all", False)),
    ("每学年听课不少于四十节", ("school_year", 40, "observations.given", None, "all", False)),
    ("每学期至少读两本教育书籍", ("term", 2, "writings.count", N, "all", False)),
    ("每学期参加读书交流活动两次", ("term", 2, "activities.attended", ["reading"], "all", False)),
    ("组织教师每年读2-3本好书", ("school_year", 2, "writings.count", N, "all", True)),  # a range: the lower bound, asked about
    ("每学期听课15至20节", ("term", 15, "observations.given", None, "all", True)),
]

NOT_QUOTAS = [
    "本学期共听课262节",
    "本学期全校共听课1200余节",
    "全校教师人均听课25节",
    "本学年共开展教研活动36次",
    "全年共撰写论文45篇",
    "一年来共举办讲座8次",
    "上学期共上公开课30节",
    "累计听课已达300节",
    "本学期已完成听课15节",
    "平均每人写反思12篇",
    "学校现有教职员工60人",
    "35周岁以下青年教师35人，约占在职教师总数的58%",
    "本科学历36人，约占60%",
    "2024年10月30日开展校本教研",
    "每周三定为教学开放日",
    "每周二下午的业务学习时间为两课时",
    "第12周进行期中考试",
    "学校共有3个教研组、12个备课组",
    "全年开展了4次读书交流活动",
    "每学期举行了两次优秀课件评比",
    "获县级以上奖励的论文有6篇",
    "教研活动时间不少于两课时",
    "合计上交教案80份",
    "每周观看两节优质课实录",
    "推行“一课三上”",
    "做到“四个一”",
    "落实“三字一话”基本功",
    "9月1日开学，1月20日放假",
]


def _as_tuple(p):
    return (p.period, p.threshold, p.metric, p.filters.get("kinds"), p.applies_to, p.doubtful)


@pytest.mark.parametrize("text,expected", QUOTAS)
def test_quota_phrasings(text, expected):
    found = extract(text)
    if expected is None:
        assert found == []
        return
    assert found, text
    if len(expected) == 5:  # (period, n, metric, applies_to, doubtful) without kinds
        expected = (expected[0], expected[1], expected[2], None, expected[3], expected[4])
    assert _as_tuple(found[0]) == expected
    if expected[-1] or "高质量" in text:
        assert found[0].notes, "a qualifier is kept as a note"


@pytest.mark.parametrize("text", NOT_QUOTAS)
def test_sentences_that_are_not_quotas(text):
    assert extract(text) == []


def test_at_least_sixty_phrasings_twenty_of_them_not_quotas():
    assert len(QUOTAS) + len(NOT_QUOTAS) >= 60 and len(NOT_QUOTAS) >= 20


def test_per_piece_length_is_kept_and_asked_about():
    (p,) = extract("每学期写反思5篇，每篇不少于300字。")
    assert "每篇不少于300字" in p.name and p.doubtful
    assert any("字数" in n for n in p.notes)


def test_sub_quota_after_qizhong_is_asked_about():
    found = extract("每学期每人听课不少于20节，其中跨学科听课不少于5节。")
    assert [(p.threshold, p.doubtful) for p in found] == [(20, True), (5, True)]
    assert any("其中" in n for n in found[1].notes)
