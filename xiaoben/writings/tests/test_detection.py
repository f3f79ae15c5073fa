"""Copied-text detection: a lightly edited copy of last term's reflection is found,
reflections on the same topic written independently are not flagged."""

import datetime as dt

from xiaoben.org.models import School
from xiaoben.writings import detection, selectors, services
from xiaoben.writings.models import WritingBand
from xiaoben.writings.similarity import BANDS

from .helpers import html, scope, write
from .texts import REFLECTION_A, REFLECTION_B, REFLECTION_C, lightly_edited

LAST_TERM = dt.date(2026, 5, 12)


def test_lightly_edited_copy_of_last_terms_reflection_is_found(world):
    source = write(world.mentor, html(REFLECTION_A), title="《海底世界》教学反思", on=LAST_TERM, submit=True)
    write(world.leader, html(REFLECTION_B), on=LAST_TERM, submit=True)
    assert source.bands.count() == BANDS and source.signature
    copy = write(world.teacher, html(lightly_edited(REFLECTION_A)), title="《海底世界》课后反思", submit=True)
    assert copy.similar_to_id == source.pk
    assert 0.85 <= copy.similarity < 1.0
    report = selectors.similarity_report(copy, viewer=scope(world.dean))
    assert report["flagged"] and report["source"].author == world.mentor
    assert report["matched"] > 400  # most of the text is marked as matching passages
    assert any(s.match and "海参、梭子鱼" in s.text for s in report["theirs"])
    assert any(not s.match and "五" in s.text for s in report["mine"])


def test_reflections_on_the_same_topic_are_not_flagged(world):
    write(world.mentor, html(REFLECTION_A), on=LAST_TERM, submit=True)
    write(world.leader, html(REFLECTION_B), submit=True)
    mine = write(world.teacher, html(REFLECTION_C), submit=True)
    assert mine.similar_to_id is None or mine.similarity < 0.1
    assert not selectors.similarity_report(mine, viewer=scope(world.dean))["flagged"]


def test_other_schools_are_not_compared_unless_shared_with_the_district(world):
    write(world.other_teacher, html(REFLECTION_A), on=LAST_TERM, submit=True)  # another district
    mine = write(world.teacher, html(lightly_edited(REFLECTION_A)), submit=True)
    assert mine.similar_to_id is None
    # a school of the same district that shared its writing with the region
    neighbour = School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SX", stage="primary", region=world.district)
    from xiaoben.org import services as org

    org.term_create(school=neighbour, start_year=2025, number=2, start_date=dt.date(2026, 2, 23), end_date=dt.date(2026, 7, 3))
    t = org.teacher_create(school=neighbour, staff_no="051", name="吴敏", gender="F")
    kept = write(t, html(REFLECTION_B), on=LAST_TERM, submit=True)  # visible to its school only
    shared = write(t, html(REFLECTION_C), on=LAST_TERM, submit=True, visibility="region")
    assert write(world.mentor, html(REFLECTION_B), submit=True).similar_to_id is None
    assert write(world.leader, html(REFLECTION_C), submit=True).similar_to_id == shared.pk
    assert kept.pk


def test_later_writings_are_not_sources_and_withdrawn_ones_leave_the_index(world):
    later = write(world.mentor, html(REFLECTION_A), submit=True)  # this term
    earlier = write(world.teacher, html(REFLECTION_A), on=LAST_TERM)
    services.writing_submit(writing=earlier, by=scope(world.teacher))
    assert earlier.similar_to_id is None  # written last term: this term's text cannot be its source
    services.writing_withdraw(writing=later, by=scope(world.mentor))
    assert not WritingBand.objects.filter(writing=later).exists()


def test_threshold_is_a_school_setting(world):
    write(world.mentor, html(REFLECTION_A), on=LAST_TERM, submit=True)
    copy = write(world.teacher, html(lightly_edited(REFLECTION_A)), submit=True)
    services.similarity_threshold_set(school=world.school, by=scope(world.dean), value=0.95)
    world.school.refresh_from_db()
    copy.school.refresh_from_db()
    assert detection.threshold(world.school) == 0.95
    assert not selectors.similarity_report(copy, viewer=scope(world.dean))["flagged"]


def test_reading_characters_per_year(world):
    book = services.book_add(teacher=world.teacher, title="给教师的建议")
    write(world.teacher, "<p>" + "读" * 3000 + "</p>", kind="reading_note", book=book, submit=True)
    write(world.teacher, "<p>" + "书" * 1500 + "</p>", kind="book_review", book=book, submit=True)
    write(world.teacher, "<p>" + "草" * 900 + "</p>", kind="reading_note", book=book)  # a draft does not count
    write(world.teacher, "<p>" + "旧" * 800 + "</p>", kind="reading_note", book=book, on=dt.date(2026, 5, 1), submit=True)  # last year
    write(world.teacher, "<p>" + "思" * 700 + "</p>", submit=True)  # a reflection, not a reading note
    year = world.term.school_year_id
    assert selectors.counted_chars(teacher_id=world.teacher.pk, school_year_id=year) == 4500
    row = selectors.shelf(user=world.users["teacher"], teacher_id=world.teacher.pk, school_year_id=year).get()
    assert row.note_count == 4 and row.note_chars == 5300
