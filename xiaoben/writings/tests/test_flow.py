"""草稿 → 已提交 → 已审阅, withdrawal, who may review, optimistic locking."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.concurrency import ConflictError
from xiaoben.core.models import Notification
from xiaoben.writings import services
from xiaoben.writings.models import Writing

from .helpers import scope, write


def test_draft_is_sanitised_counted_and_placed_in_its_term(world):
    w = write(world.teacher, '<p style="color:red" onclick="x()">今天上《荷花》。<script>alert(1)</script></p>')
    assert w.status == "draft"
    assert "script" not in w.body and "onclick" not in w.body and "style" not in w.body
    assert w.char_count == 8  # 今天上《荷花》。
    assert w.term == world.term
    last_term = write(world.teacher, on=dt.date(2026, 5, 6))
    assert last_term.term == world.prev_term


def test_refused_inputs_have_chinese_messages(world):
    with pytest.raises(ValidationError, match="请填写标题"):
        write(world.teacher, title="  ")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        write(world.teacher, on=dt.date(2026, 12, 1))
    with pytest.raises(ValidationError, match="20万"):
        write(world.teacher, "字" * 200001)
    assert not Writing.objects.exists()  # nothing half-saved


def test_submit_withdraw_review(world):
    w = write(world.teacher)
    me = scope(world.teacher)
    services.writing_submit(writing=w, by=me)
    assert w.status == "submitted" and w.submitted_at and w.copied_share is not None
    with pytest.raises(ValidationError, match="已经提交"):
        services.writing_submit(writing=w, by=me)
    with pytest.raises(ValidationError, match="请先撤回"):
        services.writing_update(writing=w, by=me, expected_version=w.version, title="改")
    services.writing_withdraw(writing=w, by=me)
    from xiaoben.core.models import TextFingerprint

    assert w.status == "draft" and not TextFingerprint.objects.filter(kind="writings.writing", object_id=w.pk).exists()
    with pytest.raises(ValidationError, match="还没有提交"):
        services.writing_withdraw(writing=w, by=me)
    with pytest.raises(ValidationError, match="草稿还没有提交"):
        services.writing_review(writing=w, by=scope(world.leader))
    services.writing_submit(writing=w, by=me)
    services.writing_review(writing=w, by=scope(world.leader), comment="反思具体，有改进措施。", excellent=True)
    assert w.status == "reviewed" and w.is_excellent and w.reviewed_by == world.leader
    assert Notification.objects.filter(recipient=world.users["teacher"], kind="writings.reviewed_excellent").exists()
    with pytest.raises(ValidationError, match="不能撤回"):
        services.writing_withdraw(writing=w, by=me)
    with pytest.raises(ValidationError, match="已经审阅过"):
        services.writing_review(writing=w, by=scope(world.dean))


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("leader", True),  # 语文组长: the author is in his group
        ("mentor", True),  # leads the 备课组 the author is in
        ("dean", True),  # 教导主任 (school admin)
        ("principal", True),
        ("colleague", False),  # a 数学 teacher
        ("other_teacher", False),
        ("researcher", False),
    ],
)
def test_who_may_review(world, persona, allowed):
    w = write(world.teacher, submit=True)
    if allowed:
        services.writing_review(writing=w, by=scope(world.users[persona]))
        assert w.status == "reviewed"
    else:
        with pytest.raises(ValidationError, match="不能审阅"):
            services.writing_review(writing=w, by=scope(world.users[persona]))


def test_nobody_reviews_their_own(world):
    w = write(world.leader, submit=True)
    with pytest.raises(ValidationError, match="不能审阅"):
        services.writing_review(writing=w, by=scope(world.leader))


def test_only_the_author_edits_submits_withdraws_deletes(world):
    w = write(world.teacher)
    other = scope(world.leader)
    for fn in (services.writing_submit, services.writing_delete):
        with pytest.raises(ValidationError, match="只有作者本人"):
            fn(writing=w, by=other)
    with pytest.raises(ValidationError, match="只有作者本人"):
        services.writing_update(writing=w, by=other, expected_version=w.version, title="改")


def test_second_saver_is_told(world):
    w = write(world.teacher)
    a = Writing.objects.get(pk=w.pk)
    b = Writing.objects.get(pk=w.pk)
    me = scope(world.teacher)
    services.writing_update(writing=a, by=me, expected_version=a.version, body="<p>第一次保存</p>")
    with pytest.raises(ConflictError):
        services.writing_update(writing=b, by=me, expected_version=b.version, body="<p>第二次保存</p>")
    assert "第一次" in Writing.objects.get(pk=w.pk).body


def test_reading_note_needs_a_book_from_ones_own_shelf(world):
    w = write(world.teacher, kind="reading_note", title="读书笔记")
    with pytest.raises(ValidationError, match="须选择一本书"):
        services.writing_submit(writing=w, by=scope(world.teacher))
    book = services.book_add(teacher=world.teacher, title="《给教师的建议》", author="苏霍姆林斯基")
    assert book.title == "给教师的建议"
    with pytest.raises(ValidationError, match="自己书架"):
        write(world.mentor, kind="reading_note", book=book)
    services.writing_update(writing=w, by=scope(world.teacher), expected_version=w.version, book=book)
    services.writing_submit(writing=w, by=scope(world.teacher))
    assert w.status == "submitted"


def test_deleted_draft_is_soft(world):
    w = write(world.teacher)
    services.writing_delete(writing=w, by=scope(world.teacher))
    assert not Writing.objects.filter(pk=w.pk).exists() and Writing.all_objects.filter(pk=w.pk).exists()


def test_edits_and_transitions_keep_history(world):
    w = write(world.teacher)
    me = scope(world.teacher)
    services.writing_update(writing=w, by=me, expected_version=w.version, body="<p>第二稿</p>")
    services.writing_update(writing=w, by=me, expected_version=w.version, body="<p>自动保存</p>", record=False)
    services.writing_submit(writing=w, by=me)
    services.writing_review(writing=w, by=scope(world.leader), comment="好")
    reasons = list(w.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == [None, "修改", "提交", "审阅"]
    assert w.history.filter(body="<p>第二稿</p>").exists()
