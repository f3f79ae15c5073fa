"""The copy check of writings (复制比): a lightly edited copy of last term's reflection is
found, reflections on the same topic written independently are not, and what counts
while in doubt is the school's decision."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import TextFingerprint
from xiaoben.core.scope import SYSTEM
from xiaoben.org.models import School
from xiaoben.writings import detection, selectors, services
from xiaoben.writings.models import BOOK_KINDS, Writing

from .helpers import html, scope, write
from .texts import REFLECTION_A, REFLECTION_B, REFLECTION_C, lightly_edited

LAST_TERM = dt.date(2026, 5, 12)


def test_lightly_edited_copy_of_last_terms_reflection_is_found(world):
    source = write(world.mentor, html(REFLECTION_A), title="《海底世界》教学反思", on=LAST_TERM, submit=True)
    write(world.leader, html(REFLECTION_B), on=LAST_TERM, submit=True)
    assert TextFingerprint.objects.filter(kind=detection.KIND, object_id=source.pk).exists()
    copy = write(world.teacher, html(lightly_edited(REFLECTION_A)), title="《海底世界》课后反思", submit=True)
    copy.refresh_from_db()
    assert copy.copy_sources[0]["id"] == source.pk
    assert 0.85 <= copy.copied_share < 1.0
    assert copy.copy_state == "flagged" and copy.copy_hold
    report = selectors.copy_report(copy, scope(world.leader))
    assert report["flagged"]
    [src] = report["sources"]
    assert src.view.author == world.mentor.name and "海底世界" in src.view.title
    assert any("海参" in p.mine or "海参" in p.theirs for p in src.passages) or len(src.passages) >= 3


def test_reflections_on_the_same_topic_are_not_flagged(world):
    write(world.mentor, html(REFLECTION_A), on=LAST_TERM, submit=True)
    write(world.leader, html(REFLECTION_B), submit=True)
    mine = write(world.teacher, html(REFLECTION_C), submit=True)
    mine.refresh_from_db()
    assert mine.copied_share < 0.05 and mine.copy_state == "" and not mine.copy_hold
    assert not selectors.copy_report(mine, scope(world.leader))["flagged"]


def test_other_schools_are_not_compared_unless_shared_with_the_district(world):
    write(world.other_teacher, html(REFLECTION_A), on=LAST_TERM, submit=True)  # another district
    mine = write(world.teacher, html(lightly_edited(REFLECTION_A)), submit=True)
    mine.refresh_from_db()
    assert mine.copy_sources == []
    neighbour = School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SX", stage="primary", region=world.district)
    from xiaoben.org import services as org

    org.term_create(
        actor=SYSTEM, school=neighbour, start_year=2025, number=2, start_date=dt.date(2026, 2, 23), end_date=dt.date(2026, 7, 3)
    )
    t = org.teacher_create(actor=SYSTEM, school=neighbour, staff_no="051", name="吴敏", gender="F")
    write(t, html(REFLECTION_B), on=LAST_TERM, submit=True)  # visible to its school only
    shared = write(t, html(REFLECTION_C), on=LAST_TERM, submit=True, visibility="region")
    b = write(world.mentor, html(REFLECTION_B), submit=True)
    c = write(world.leader, html(REFLECTION_C), submit=True)
    b.refresh_from_db()
    c.refresh_from_db()
    assert b.copy_sources == []
    assert c.copy_sources[0]["id"] == shared.pk


def test_later_writings_are_not_sources_and_withdrawn_ones_leave_the_index(world):
    later = write(world.mentor, html(REFLECTION_A), submit=True)  # this term
    earlier = write(world.teacher, html(REFLECTION_A), on=LAST_TERM)
    services.writing_submit(writing=earlier, actor=scope(world.teacher))
    earlier.refresh_from_db()
    assert earlier.copy_sources == []  # written last term: this term's text cannot be its source
    services.writing_withdraw(writing=later, actor=scope(world.mentor))
    assert not TextFingerprint.objects.filter(kind=detection.KIND, object_id=later.pk).exists()


def test_threshold_and_counting_rule_are_school_settings(world):
    write(world.mentor, html(REFLECTION_A), on=LAST_TERM, submit=True)
    copy = write(world.teacher, html(lightly_edited(REFLECTION_A)), submit=True)
    services.copy_settings_set(school=world.school, actor=scope(world.dean), threshold=1.0, counts_before_review=True)
    world.school.refresh_from_db()
    copy.refresh_from_db()
    assert detection.threshold(world.school) == 1.0
    assert not selectors.copy_report(copy, scope(world.leader))["flagged"]
    assert not copy.copy_hold  # the school counts flagged writings before review now
    services.copy_settings_set(school=world.school, actor=scope(world.dean), threshold=0.3, counts_before_review=False)
    copy.refresh_from_db()
    assert copy.copy_hold
    with pytest.raises(NotPermitted, match="只有学校管理员"):
        services.copy_settings_set(school=world.school, actor=scope(world.teacher), threshold=0.3, counts_before_review=True)


def _counted(world, teacher) -> int:
    """What the requirements engine counts (the grid, the home card and 考核 read it)."""
    from xiaoben.requirements.registry import get_metric

    totals = get_metric("writings.count").totals(school_id=world.school.pk, start=world.term.start_date, end=world.term.end_date)
    return int(totals.get(teacher.pk, 0))


def test_flagged_counts_only_after_the_reviewer_clears_it(world):
    write(world.mentor, html(REFLECTION_A), on=LAST_TERM, submit=True)
    copy = write(world.teacher, html(lightly_edited(REFLECTION_A)), submit=True)
    assert _counted(world, world.teacher) == 0
    copy.refresh_from_db()
    services.writing_copy_decide(writing=copy, actor=scope(world.leader), decision="cleared")
    assert _counted(world, world.teacher) == 1


def test_returned_goes_back_to_draft_and_confirmed_never_counts(world):
    write(world.mentor, html(REFLECTION_A), on=LAST_TERM, submit=True)
    a = write(world.teacher, html(lightly_edited(REFLECTION_A)), submit=True)
    a.refresh_from_db()
    with pytest.raises(ValidationError):
        services.writing_copy_decide(writing=a, actor=scope(world.leader), decision="returned")  # a reason is required
    services.writing_copy_decide(writing=a, actor=scope(world.leader), decision="returned", note="请用自己的话重写")
    a.refresh_from_db()
    assert a.status == "draft" and a.copy_state == "returned" and a.copy_note == "请用自己的话重写"
    assert not TextFingerprint.objects.filter(kind=detection.KIND, object_id=a.pk).exists()
    b = write(world.colleague, html(lightly_edited(REFLECTION_A)), submit=True)
    b.refresh_from_db()
    services.writing_copy_decide(writing=b, actor=scope(world.dean), decision="confirmed", note="与师傅的反思雷同")
    b.refresh_from_db()
    assert b.copy_hold and b.copy_decided_by == world.dean
    # each decision is kept in the writing's history, with who decided and why
    states = list(Writing.history.filter(id=a.pk).order_by("history_date").values_list("copy_state", "copy_note"))
    assert ("returned", "请用自己的话重写") in states
    assert Writing.history.filter(id=b.pk, copy_state="confirmed", copy_decided_by=world.dean).exists()
    with pytest.raises(NotPermitted, match="不能审核"):
        services.writing_copy_decide(writing=b, actor=scope(world.teacher), decision="cleared")  # not a reviewer


def test_source_made_private_later_is_not_shown_through_the_report(world):
    # a 数学 teacher's private writing: the 语文 leader reviewing the copy may not open it
    source = write(world.colleague, html(REFLECTION_A), on=LAST_TERM, submit=True, visibility="private")
    copy = write(world.teacher, html(lightly_edited(REFLECTION_A)), submit=True)
    copy.refresh_from_db()
    assert copy.copy_sources[0]["id"] == source.pk
    report = selectors.copy_report(copy, scope(world.leader))
    assert report["sources"] == [] and len(report["hidden"]) == 1 and report["hidden"][0].share > 0.8
    Writing.objects.filter(pk=source.pk).update(deleted_at=dt.datetime(2026, 11, 17, tzinfo=dt.UTC))
    assert selectors.copy_report(copy, scope(world.dean))["sources"] == []


def test_a_template_from_the_reference_library_is_found(world):
    from xiaoben.core import reference_library
    from xiaoben.core.tests.textsim_corpus import TEMPLATE_XINDE, swap_words

    reference_library.reference_text_add(actor=scope(world.dean), title="师德心得范文", body=TEMPLATE_XINDE, school_id=world.school.pk)
    w = write(world.teacher, html(swap_words(TEMPLATE_XINDE)), kind="insight", submit=True)
    w.refresh_from_db()
    assert w.copy_state == "flagged" and w.copy_sources[0]["kind"] == "core.reference"
    report = selectors.copy_report(w, scope(world.dean))
    assert report["sources"][0].view.title == "《师德心得范文》"


def test_reading_characters_per_year(world):
    book = services.book_add(actor=scope(world.teacher), title="给教师的建议")
    write(world.teacher, "<p>" + "读" * 3000 + "</p>", kind="reading_note", book=book, submit=True)
    write(world.teacher, "<p>" + "书" * 1500 + "</p>", kind="book_review", book=book, submit=True)
    write(world.teacher, "<p>" + "草" * 900 + "</p>", kind="reading_note", book=book)  # a draft does not count
    write(world.teacher, "<p>" + "旧" * 800 + "</p>", kind="reading_note", book=book, on=dt.date(2026, 5, 1), submit=True)  # last year
    write(world.teacher, "<p>" + "思" * 700 + "</p>", submit=True)  # a reflection, not a reading note
    year = world.term.school_year_id
    counted = Writing.objects.counted().filter(author=world.teacher, term__school_year_id=year, kind__in=BOOK_KINDS)
    assert sum(counted.values_list("char_count", flat=True)) == 4500
    row = selectors.shelf(user=world.users["teacher"], teacher_id=world.teacher.pk, school_year_id=year).get()
    assert row.note_count == 4 and row.note_chars == 5300
