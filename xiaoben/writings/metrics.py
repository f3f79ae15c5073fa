"""What the requirements engine can count from 研修文章: the number of writings of a
kind, and Chinese characters (读书笔记每年不少于5000字). Submitted or reviewed only."""

from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.requirements.registry import Choice, PlanPhrase, QueryMetric, Starter, register

from .models import Writing, WritingKind

COUNTED = Writing.COUNTED  # defined once, on the model
KINDS = {"kinds": Choice("类型", "kind__in", tuple(WritingKind.choices))}


def _phrase(pattern: str, label: str, rank: int, *kinds: str) -> PlanPhrase:
    # 每年读书笔记不少于5000字 counts characters: the same phrase, the 字数 metric
    return PlanPhrase(pattern, label, rank=rank, filters={"kinds": list(kinds)}, in_chars="writings.chars")


# How plans say it (most specific first; ranks interleave with the other apps' phrases).
PHRASES = (
    _phrase(r"读书笔记|读书摘[记抄要录]|读书心得", "读书笔记", 20, "reading_note"),
    _phrase(r"读后感", "读后感", 21, "book_review"),
    _phrase(r"读.{0,8}(?:专著|书籍|名著|书)", "读书（以读书笔记计）", 23, "reading_note"),
    _phrase(r"心得", "心得体会", 24, "insight"),
    _phrase(r"论文|经验总结|教学总结|专题报告", "论文或经验总结", 25, "paper", "experience"),
    _phrase(r"案例|随笔|叙事", "教学案例或随笔", 26, "case", "narrative"),
    _phrase(r"反思", "教学反思", 27, "reflection"),
)


def writing_row(w: Writing) -> RecordRow:
    return RecordRow(
        date=w.written_on,
        title=w.title,
        detail=f"{w.get_kind_display()} · {w.char_count}字",
        url=reverse("writings:detail", args=[w.pk]),
    )


register(
    QueryMetric(
        key="writings.count",
        label="撰写文章",
        unit="篇",
        model=Writing,
        teacher="author",
        date="written_on",
        base=COUNTED,
        filters=KINDS,
        help="已提交的研修文章篇数，可按类型（教学反思、心得体会、论文……）筛选",
        filter_names_the_thing=True,
        describe_row=writing_row,
        plan_phrases=PHRASES,
        starters=(
            Starter("reflection_weekly", "每周至少一次教学反思", "week", 1, rank=20, filters={"kinds": ["reflection"]}),
            Starter("insight_monthly", "每月两篇心得体会", "month", 2, rank=30, filters={"kinds": ["insight"]}),
            Starter("paper_yearly", "每年撰写一篇论文或经验总结", "school_year", 1, rank=70, filters={"kinds": ["paper", "experience"]}),
        ),
    )
)

register(
    QueryMetric(
        key="writings.chars",
        label="字数",
        unit="字",
        filter_names_the_thing=True,
        model=Writing,
        teacher="author",
        date="written_on",
        sum="char_count",
        base=COUNTED,
        filters=KINDS,
        help="已提交文章的汉字字数合计，如读书笔记字数",
        describe_row=writing_row,
        starters=(Starter("reading_chars", "读书笔记每年不少于5000字", "school_year", 5000, rank=60, filters={"kinds": ["reading_note"]}),),
    )
)
