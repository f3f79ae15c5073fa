"""A batch of past writings (the demo seed, a school's import): the rules and side effects of a submit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xiaoben.core import textsim
from xiaoben.core.changes import changed
from xiaoben.core.errors import NotPermitted
from xiaoben.core.html import html_to_text
from xiaoben.core.models import TextFingerprint
from xiaoben.core.scope import SYSTEM
from xiaoben.requirements.registry import get_metric
from xiaoben.writings import detection, services
from xiaoben.writings.models import Writing
from xiaoben.writings.textcount import count_html

from .helpers import html, scope
from .texts import REFLECTION_A, REFLECTION_B, lightly_edited

LAST_TERM = dt.date(2026, 5, 12)


def _row(author, text=REFLECTION_B, *, on=None, status="submitted", check_copies=False, **kw):
    day = on or timezone.localdate() - dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))
    fields = {"kind": "reflection", "title": "教学反思", "body": html(text) if text else "", **kw}
    w = Writing(author=author, written_on=day, status=status, submitted_at=at if status != "draft" else None, **fields)
    return services.WritingRecord(writing=w, check_copies=check_copies)


def test_refuses_an_actor_who_does_not_run_the_school(world):
    for who in (world.teacher, world.leader, world.other_teacher):
        with pytest.raises(NotPermitted):
            services.writings_record_many(actor=scope(who), rows=[_row(world.mentor)])
    assert not Writing.all_objects.exists()


@pytest.mark.parametrize(
    "change,message",
    [
        ({"title": "  "}, "第2条：请填写标题"),
        ({"text": ""}, "第2条：正文是空的"),
        ({"on": dt.date(2099, 1, 5)}, "第2条：写作日期不能晚于今天"),
        ({"kind": "reading_note"}, "第2条：读书笔记和读后感须选择一本书"),
        ({"kind": "picnic"}, "第2条："),
        ({"status": "reviewed", "reviewed_by_id": "other"}, "第2条：审阅人须为作者学校的其他教师"),
    ],
)
def test_a_row_breaking_a_rule_refuses_the_batch(world, change, message):
    if change.get("reviewed_by_id") == "other":
        change = {**change, "reviewed_by_id": world.other_teacher.pk}
    rows = [_row(world.mentor), _row(world.teacher, **change)]
    with pytest.raises(ValidationError, match=message):
        services.writings_record_many(actor=SYSTEM, rows=rows)
    assert not Writing.all_objects.exists() and not TextFingerprint.objects.exists()


def test_side_effects_of_a_submit(world):
    seen = []

    def listen(sender, pks, **kw):
        seen.extend(pks)

    changed.connect(listen, sender=Writing)
    try:
        rows = [
            _row(world.mentor, REFLECTION_A, on=LAST_TERM),
            _row(world.leader, status="draft"),
            _row(world.teacher, lightly_edited(REFLECTION_A), check_copies=True),  # a copy of last term's
            _row(world.leader, body="<p onclick='x()'>今天的课上，学生读得很投入。</p><script>alert(1)</script>", text=None),
        ]
        done = services.writings_record_many(actor=scope(world.users["principal"]), rows=rows)
    finally:
        changed.disconnect(listen, sender=Writing)
    source, draft, copy, short = (Writing.all_objects.get(pk=w.pk) for w in done)
    assert source.term_id == world.prev_term.pk and copy.term_id == world.term.pk
    # sanitised and counted as `writing_create` does
    assert short.body == "<p>今天的课上，学生读得很投入。</p>" and short.char_count == count_html(short.body) > 0
    # indexed as `writing_submit` leaves it: submitted texts, not the draft
    for w in (source, copy, short):
        prints = set(TextFingerprint.objects.filter(kind=detection.KIND, object_id=w.pk).values_list("hash", flat=True))
        assert prints == set(textsim.fingerprints(html_to_text(w.body)))
    assert not TextFingerprint.objects.filter(kind=detection.KIND, object_id=draft.pk).exists()
    # the copy check ran for the row that asked, against the batch's earlier writings
    assert copy.copy_sources[0]["id"] == source.pk and copy.copy_state == "flagged" and copy.copy_hold
    assert source.copied_share is None
    # counted by the one counting path: the short one; the held copy and the draft not
    totals = get_metric("writings.count").totals(school_id=world.school.pk, start=world.term.start_date, end=world.term.end_date)
    assert totals.get(world.leader.pk) == 1 and not totals.get(world.teacher.pk)
    assert set(seen) == {w.pk for w in done}
