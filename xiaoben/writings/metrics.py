"""What the requirements engine can count from 研修文章: the number of writings of a
kind, and Chinese characters (读书笔记每年不少于5000字). Submitted or reviewed only."""

from django.db.models import Q
from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.requirements.registry import Choice, QueryMetric, register

from .models import Writing, WritingKind

# Submitted or reviewed, and not held back by the copy check (core.textsim; the school decides).
COUNTED = Q(status__in=["submitted", "reviewed"], copy_hold=False)
KINDS = {"kinds": Choice("类型", "kind__in", tuple(WritingKind.choices))}


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
    )
)
