"""Plan import: quota phrases found (and not found) in Chinese plan text."""

import glob
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.seeds import SEEDS
from xiaoben.requirements.plan_import import cn_number, extract, text_from_upload

R, N, INS, C, P, L = ["reflection"], ["reading_note"], ["insight"], ["case", "narrative"], ["paper", "experience"], ["lesson_prep"]

# phrase -> (period, threshold, metric, kinds filter or None, applies_to)
MATCHES = [
    ("每学期听课不少于20节", ("term", 20, "observations.given", None, "all")),
    ("每学期听课不少于二十节", ("term", 20, "observations.given", None, "all")),
    ("教师每学期听课十五节以上", ("term", 15, "observations.given", None, "all")),
    ("本学期每位教师听课不少于15节", ("term", 15, "observations.given", None, "all")),
    ("每周每位教师听课不少于1节", ("week", 1, "observations.given", None, "all")),
    ("每周至少一次教学反思", ("week", 1, "writings.count", R, "all")),
    ("每周做一次教后反思", ("week", 1, "writings.count", R, "all")),
    ("反思每学期不少于5篇", ("term", 5, "writings.count", R, "all")),
    ("每月两篇心得体会", ("month", 2, "writings.count", INS, "all")),
    ("每月写两篇高质量的校本研修心得体会", ("month", 2, "writings.count", INS, "all")),
    ("每月写一篇教学案例或随笔", ("month", 1, "writings.count", C, "all")),
    ("每学期至少读一本教育专著", ("term", 1, "writings.count", N, "all")),
    ("每学期至少细致读一本教育教学书籍", ("term", 1, "writings.count", N, "all")),
    ("读书笔记每年不少于5000字", ("school_year", 5000, "writings.chars", N, "all")),
    ("每学年读书笔记不少于一万字", ("school_year", 10000, "writings.chars", N, "all")),
    ("每学期写读书笔记三篇", ("term", 3, "writings.count", N, "all")),
    ("每年撰写一篇论文或经验总结", ("school_year", 1, "writings.count", P, "all")),
    ("每学期写一份经验总结或教学论文", ("term", 1, "writings.count", P, "all")),
    ("每学期上一节公开课", ("term", 1, "activities.public_lessons_given", None, "all")),
    ("每学期上一节公开教学研讨课", ("term", 1, "activities.public_lessons_given", None, "all")),
    ("每学期集体备课中心发言一次", ("term", 1, "activities.hosted", L, "all")),
    ("每周组织一次教研组活动", ("week", 1, "activities.organised", None, "group_leaders")),
    ("教研组长每月组织两次集体备课", ("month", 2, "activities.organised", L, "group_leaders")),
    ("各教研组在每月要安排一次专题讲座", ("month", 1, "activities.organised", ["lecture"], "group_leaders")),
    ("每学期各教研组组织开展三次校本教研活动", ("term", 3, "activities.organised", None, "group_leaders")),
    ("每周参加一次集体备课", ("week", 1, "activities.attended", L, "all")),
    ("徒弟听师傅的课每年不少于30节", ("school_year", 30, "mentoring.mentee_observed_mentor", None, "mentees")),
    ("师傅听徒弟的课每学期不少于十节", ("term", 10, "mentoring.mentor_observed_mentee", None, "mentors")),
    ("新教师每学期听课不少于三十节", ("term", 30, "observations.given", None, "new_teachers")),
    ("五年内累计培训不少于360学时", ("five_year", 360, "hours.total", None, "all")),  # 累计 with a threshold is a quota
    ("每五年培训不少于360学时", ("five_year", 360, "hours.total", None, "all")),
    ("每学年参加培训不少于72学时", ("school_year", 72, "hours.total", None, "all")),
    ("每学期，每位教师听课不少于20节", ("term", 20, "observations.given", None, "all")),  # period carried
]

NOT_QUOTAS = [
    "学校有教师60人",
    "第3节",
    "2022年",
    "学校共有教师60人，其中35岁以下35人",
    "每周的星期三定为教学开放周",
    "经研究决定每周一下午定为集体备课时间",
    "时间不少于两课时（包括集体备课）",  # a duration, not a count
    "本学期共开展活动12次",
    "全年开展了4次教师读书交流活动",
    "每学期举行两次优秀课件评比活动",
    "每周教研时间至少观看两节优质课堂实录",
    "“一课多研”校级教研活动",
    "做到四个一",
    "2026年9月1日开学",
    "听课记录要认真填写",
    "继续认真写好“两字”",
]


def _as_tuple(p):
    return (p.period, p.threshold, p.metric, p.filters.get("kinds"), p.applies_to)


@pytest.mark.parametrize("text,expected", MATCHES)
def test_quota_phrases_are_found(text, expected):
    found = extract(text)
    if expected is None:
        assert found == []
        return
    assert len(found) == 1, found
    assert _as_tuple(found[0]) == expected


@pytest.mark.parametrize("text", NOT_QUOTAS)
def test_non_quotas_are_not_found(text):
    assert extract(text) == []


def test_duration_clause_is_not_a_count():
    found = extract("每周要保证一次教研活动，时间不少于两课时（包括集体备课）。")
    assert [(_as_tuple(p)) for p in found] == [("week", 1, "activities.attended", None, "all")]


@pytest.mark.parametrize(
    "text,value", [("二十", 20), ("两", 2), ("三", 3), ("十五", 15), ("5000", 5000), ("五千", 5000), ("一万", 10000), ("三十", 30)]
)
def test_chinese_numerals(text, value):
    assert cn_number(text) == value


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not present")
def test_every_seed_plan_yields_the_expected_quotas():
    found = {}
    for fn in sorted(glob.glob(f"{SEEDS}/*.txt")):
        with open(fn, encoding="utf-8") as fh:
            found[fn.rsplit("/", 1)[-1][:3]] = [_as_tuple(p) for p in extract(fh.read())]
    assert ("term", 20, "observations.given", None, "all") in found["000"]
    assert ("month", 2, "writings.count", INS, "all") in found["000"]
    assert ("week", 1, "writings.count", R, "all") in found["000"]
    assert ("week", 1, "observations.given", None, "all") in found["002"]
    assert ("school_year", 5000, "writings.chars", N, "all") in found["004"]
    assert ("school_year", 30, "mentoring.mentee_observed_mentor", None, "mentees") in found["004"]
    assert found["001"] == []  # a plan without quotas proposes nothing
    assert sum(len(v) for v in found.values()) < 30  # no flood of false positives


def test_docx_and_text_uploads():
    import docx

    doc = docx.Document()
    doc.add_paragraph("一、工作要求")
    doc.add_paragraph("1、每学期听课不少于20节，每月两篇心得体会。")
    buf = io.BytesIO()
    doc.save(buf)
    text = text_from_upload(SimpleUploadedFile("计划.docx", buf.getvalue()))
    assert len(extract(text)) == 2
    gbk = SimpleUploadedFile("plan.txt", "每周至少一次教学反思".encode("gb18030"))
    assert len(extract(text_from_upload(gbk))) == 1
    with pytest.raises(ValidationError):
        text_from_upload(SimpleUploadedFile("plan.pdf", b"%PDF-1.4"))
    with pytest.raises(ValidationError):
        text_from_upload(SimpleUploadedFile("坏.docx", b"PK\x03\x04broken"))
