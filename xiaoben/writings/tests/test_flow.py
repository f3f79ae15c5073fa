"""草稿 → 已提交 → 已审阅, withdrawal, who may review, optimistic locking."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.concurrency import ConflictError
from xiaoben.core.errors import NotPermitted
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
    services.writing_submit(writing=w, actor=me)
    assert w.status == "submitted" and w.submitted_at and w.copied_share is not None
    with pytest.raises(ValidationError, match="已经提交"):
        services.writing_submit(writing=w, actor=me)
    with pytest.raises(ValidationError, match="请先撤回"):
        services.writing_update(writing=w, actor=me, expected_version=w.version, title="改")
    services.writing_withdraw(writing=w, actor=me)
    from xiaoben.core.models import TextFingerprint

    assert w.status == "draft" and not TextFingerprint.objects.filter(kind="writings.writing", object_id=w.pk).exists()
    with pytest.raises(ValidationError, match="还没有提交"):
        services.writing_withdraw(writing=w, actor=me)
    with pytest.raises(ValidationError, match="草稿还没有提交"):
        services.writing_review(writing=w, actor=scope(world.leader))
    services.writing_submit(writing=w, actor=me)
    services.writing_review(writing=w, actor=scope(world.leader), comment="反思具体，有改进措施。", excellent=True)
    assert w.status == "reviewed" and w.is_excellent and w.reviewed_by == world.leader
    assert Notification.objects.filter(recipient=world.users["teacher"], kind="writings.reviewed_excellent").exists()
    with pytest.raises(ValidationError, match="不能撤回"):
        services.writing_withdraw(writing=w, actor=me)
    with pytest.raises(ValidationError, match="已经审阅过"):
        services.writing_review(writing=w, actor=scope(world.dean))


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("leader", True),  # 语文组长: the author is in his group
        ("mentor", True),  # leads the 备课组 the author is in
        ("dean", True),  # 教导主任 (school admin)
        ("principal", True),
        ("colleague", "不能审阅"),  # a 数学 teacher: reads it (shared with the school), may not review it
        ("other_teacher", None),  # another school: told nothing (404)
        ("researcher", None),
    ],
)
def test_who_may_review(world, persona, allowed):
    w = write(world.teacher, submit=True)
    if allowed is True:
        services.writing_review(writing=w, actor=scope(world.users[persona]))
        assert w.status == "reviewed"
    else:
        with pytest.raises(NotPermitted) as refused:
            services.writing_review(writing=w, actor=scope(world.users[persona]))
        assert refused.value.message == (None if allowed is None else "您不能审阅这篇文章（须为作者所在组的组长或学校管理员）。")


def test_nobody_reviews_their_own(world):
    w = write(world.leader, submit=True)
    with pytest.raises(NotPermitted, match="不能审阅"):
        services.writing_review(writing=w, actor=scope(world.leader))


def test_only_the_author_edits_submits_withdraws_deletes(world):
    w = write(world.teacher)
    other = scope(world.leader)
    # a draft is nobody's business but the author's: the leader is told nothing exists (404)
    for fn in (services.writing_submit, services.writing_delete):
        with pytest.raises(NotPermitted) as refused:
            fn(writing=w, actor=other)
        assert refused.value.hides_object
    with pytest.raises(NotPermitted) as refused:
        services.writing_update(writing=w, actor=other, expected_version=w.version, title="改")
    assert refused.value.hides_object
    # once submitted the leader reads it, and is told why they may not withdraw it (403)
    services.writing_submit(writing=w, actor=scope(world.teacher))
    with pytest.raises(NotPermitted, match="只有作者本人可以撤回") as refused:
        services.writing_withdraw(writing=w, actor=other)
    assert not refused.value.hides_object
    # someone of another school is told nothing
    with pytest.raises(NotPermitted) as refused:
        services.writing_withdraw(writing=w, actor=scope(world.users["other_teacher"]))
    assert refused.value.hides_object


def test_second_saver_is_told(world):
    w = write(world.teacher)
    a = Writing.objects.get(pk=w.pk)
    b = Writing.objects.get(pk=w.pk)
    me = scope(world.teacher)
    services.writing_update(writing=a, actor=me, expected_version=a.version, body="<p>第一次保存</p>")
    with pytest.raises(ConflictError):
        services.writing_update(writing=b, actor=me, expected_version=b.version, body="<p>第二次保存</p>")
    assert "第一次" in Writing.objects.get(pk=w.pk).body


def test_reading_note_needs_a_book_from_ones_own_shelf(world):
    w = write(world.teacher, kind="reading_note", title="读书笔记")
    with pytest.raises(ValidationError, match="须选择一本书"):
        services.writing_submit(writing=w, actor=scope(world.teacher))
    book = services.book_add(actor=scope(world.teacher), title="《给教师的建议》", author="苏霍姆林斯基")
    assert book.title == "给教师的建议"
    with pytest.raises(ValidationError, match="自己书架"):
        write(world.mentor, kind="reading_note", book=book)
    services.writing_update(writing=w, actor=scope(world.teacher), expected_version=w.version, book=book)
    services.writing_submit(writing=w, actor=scope(world.teacher))
    assert w.status == "submitted"


def test_deleted_draft_is_soft(world):
    w = write(world.teacher)
    services.writing_delete(writing=w, actor=scope(world.teacher))
    assert not Writing.objects.filter(pk=w.pk).exists() and Writing.all_objects.filter(pk=w.pk).exists()


def test_edits_and_transitions_keep_history(world):
    w = write(world.teacher)
    me = scope(world.teacher)
    services.writing_update(writing=w, actor=me, expected_version=w.version, body="<p>第二稿</p>")
    services.writing_update(writing=w, actor=me, expected_version=w.version, body="<p>自动保存</p>", record=False)
    services.writing_submit(writing=w, actor=me)
    services.writing_review(writing=w, actor=scope(world.leader), comment="好")
    reasons = list(w.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == [None, "修改", "提交", "审阅"]
    assert w.history.filter(body="<p>第二稿</p>").exists()
