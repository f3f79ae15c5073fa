"""Plans through their services: templates and copies, items into activities and
slots, approval with a send-back, versions, plan vs actual, import with duplicates."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from xiaoben.activities import services as activities
from xiaoben.activities.models import Activity, ActivitySlot
from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import Notification
from xiaoben.core.scope import scope_for
from xiaoben.plans import selectors, services, services_import, services_schedule
from xiaoben.plans.models import ItemOwner, ItemState, PlanItem, PlanLevel, PlanStatus, SectionKey
from xiaoben.requirements.models import Requirement

from .factories import PLAN_11, fill, group_plan, personal_plan, school_plan, scope


def test_template_gives_the_usual_sections(world):
    plan = school_plan(world)
    keys = list(plan.sections.values_list("key", flat=True))
    assert keys == ["guiding", "analysis", "goals", "content", "quotas", "monthly", "safeguards"]
    assert plan.title == "南湖区实验小学2026-2027学年第一学期校本研修工作计划"
    assert plan.status == PlanStatus.DRAFT


def test_copy_last_period_plan_then_edit(world):
    old = school_plan(world, term=world.prev_term)
    fill(world, old, "dean", "上学期的指导思想")
    services.item_create(actor=scope(world, "dean"), plan=old, month=3, title="骨干教师示范课", kind="open_lesson")
    found = services.previous_plan(actor=scope(world, "dean"), level=PlanLevel.SCHOOL, school_id=world.school.pk)
    assert found == old
    new = school_plan(world, start_from="copy", copy_of=old)
    assert new.copied_from == old
    assert "上学期的指导思想" in new.sections.first().body
    assert new.items.get().title == "骨干教师示范课" and new.items.get().state == ItemState.OPEN
    # the copy is edited, the old one is untouched
    fill(world, new, "dean", "本学期的指导思想")
    assert "上学期" in old.sections.first().body


def test_structure_analysis_goes_into_the_analysis_section(world):
    plan = school_plan(world)
    section = services.section_insert_structure_analysis(actor=scope(world, "dean"), plan=plan)
    assert section.key == SectionKey.ANALYSIS
    assert "学校现有专任教师6人" in section.body


def test_month_items_become_draft_activities_for_each_group(world):
    plan = school_plan(world)
    dean = scope(world, "dean")
    prep = services.item_create(actor=dean, plan=plan, month=10, title="集体备课", kind="lesson_prep", owner=ItemOwner.GROUPS)
    talk = services.item_create(actor=dean, plan=plan, month=10, title="杨校长“建构理论”讲座", kind="lecture", owner=ItemOwner.SCHOOL)
    services.item_create(actor=dean, plan=plan, month=10, title="校本教研工作总结", kind="summary")
    services.item_create(actor=dean, plan=plan, month=11, title="读书汇报会", kind="reading")
    made = services_schedule.items_schedule_month(actor=dean, plan=plan, month=10)
    # 集体备课 for 语文组 and 数学组, one school lecture; the 总结 is not an activity
    assert sorted((a.group.name if a.group else "学校", a.kind) for a in made) == [
        ("学校", "lecture"),
        ("数学组", "lesson_prep"),
        ("语文组", "lesson_prep"),
    ]
    assert all(a.status == "planned" and a.term == world.term for a in made)
    assert {a.plan_item_id for a in made} == {prep.pk, talk.pk}
    # the 语文组 leader is told; running it again adds nothing
    assert Notification.objects.filter(recipient=world.users["leader"], kind="plans.scheduled").exists()
    assert services_schedule.items_schedule_month(actor=dean, plan=plan, month=10) == []
    with pytest.raises(NotPermitted):
        services_schedule.items_schedule_month(actor=scope(world, "teacher"), plan=plan, month=11)


def test_plan_vs_actual_counts(world):
    plan = school_plan(world)
    dean = scope(world, "dean")
    a = services.item_create(
        actor=dean, plan=plan, month=9, title="集体备课", kind="lesson_prep", owner=ItemOwner.GROUP, group=world.chinese
    )
    c = services.item_create(actor=dean, plan=plan, month=9, title="定校本教研活动计划", kind="planning")
    d = services.item_create(actor=dean, plan=plan, month=12, title="读书汇报会", kind="reading")
    e = services.item_create(actor=dean, plan=plan, month=12, title="优秀教学案例评比", kind="competition")
    services_schedule.items_schedule_month(actor=dean, plan=plan, month=12)
    made = services_schedule.items_schedule_month(actor=dean, plan=plan, month=9)
    act = next(x for x in made if x.plan_item_id == a.pk)
    services.item_create(actor=dean, plan=plan, month=9, title="理论学习", kind="study")  # added later, never scheduled
    activities.activity_update(
        actor=dean,
        activity=act,
        expected_version=act.version,
        starts_at=dt.datetime(2026, 9, 18, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        place="会议室",
        host=world.leader,
        recorder=world.mentor,
    )
    act.refresh_from_db()
    activities.activity_publish(activity=act, actor=scope_for(world.users["leader"]))
    activities.activity_mark_held(activity=act, actor=scope_for(world.users["leader"]))
    services.item_mark(actor=dean, item=c, state=ItemState.DONE, expected_version=c.version)
    with pytest.raises(ValidationError):
        services.item_mark(actor=dean, item=e, state=ItemState.DROPPED, expected_version=e.version)  # a reason is needed
    services.item_mark(actor=dean, item=e, state=ItemState.DROPPED, note="上级统一安排", expected_version=e.version)
    progress = selectors.plan_progress(plan)
    assert (progress.total, progress.held, progress.scheduled, progress.not_yet, progress.dropped) == (5, 2, 1, 1, 1)
    # 理论学习 in September is over by 18 November: overdue
    assert progress.overdue == 1
    assert progress.percent == 50
    row = next(r for r in progress.rows if r.item.pk == a.pk)
    assert row.status == "held" and row.held_activities == [act]
    summary = selectors.progress_summaries([plan])[plan.pk]
    assert (summary["held"], summary["scheduled"], summary["not_yet"], summary["dropped"], summary["overdue"]) == (2, 1, 1, 1, 1)
    assert next(r for r in progress.rows if r.item.pk == d.pk).status == "scheduled"


def test_recurring_item_becomes_a_weekly_slot(world):
    plan = group_plan(world)
    leader = scope(world, "leader")
    item = services.item_create(actor=leader, plan=plan, title="每周五集体备课", kind="lesson_prep", weekday=4, period=3)
    slot, acts = services_schedule.item_make_slot(actor=leader, item=item, group=world.chinese, period=3, place="语文组办公室")
    assert isinstance(slot, ActivitySlot) and slot.weekday == 4
    assert len(acts) > 10
    assert Activity.objects.filter(slot=slot, plan_item=item).count() == len(acts)
    with pytest.raises(NotPermitted):
        services_schedule.item_make_slot(actor=leader, item=item, group=world.math, period=3)


def test_group_plan_approval_with_one_send_back(world):
    plan = group_plan(world)
    leader, dean = scope(world, "leader"), scope(world, "dean")
    with pytest.raises(ValidationError):
        services.plan_submit(actor=leader, plan=plan)  # empty
    fill(world, plan, "leader")
    services.plan_submit(actor=leader, plan=plan)
    assert Notification.objects.filter(recipient=world.users["dean"], kind="plans.submitted").exists()
    with pytest.raises(NotPermitted):
        fill(world, plan, "leader", "提交后改")
    with pytest.raises(NotPermitted):
        services.plan_review(actor=leader, plan=plan, decision="approve")
    with pytest.raises(ValidationError):
        services.plan_review(actor=dean, plan=plan, decision="return")  # no reason
    services.plan_review(actor=dean, plan=plan, decision="return", comment="请补充每月安排")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    note = Notification.objects.get(recipient=world.users["leader"], kind="plans.returned")
    assert "请补充每月安排" in note.text
    services.item_create(actor=leader, plan=plan, month=10, title="集体备课", kind="lesson_prep")
    services.plan_submit(actor=leader, plan=plan)
    services.plan_review(actor=dean, plan=plan, decision="approve")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert [r.action for r in plan.reviews.all()] == ["submit", "return", "submit", "approve"]
    # approved: edited only through a new version
    with pytest.raises(NotPermitted) as e:
        fill(world, plan, "leader", "直接改")
    assert "新建一个版本" in e.value.message


def test_new_version_keeps_the_old_and_moves_activities(world):
    plan = group_plan(world)
    leader, dean = scope(world, "leader"), scope(world, "dean")
    fill(world, plan, "leader")
    item = services.item_create(actor=leader, plan=plan, month=10, title="集体备课", kind="lesson_prep")
    services.plan_submit(actor=leader, plan=plan)
    services.plan_review(actor=dean, plan=plan, decision="approve")
    (act,) = services_schedule.items_schedule_month(actor=leader, plan=plan, month=10)
    new = services.plan_new_version(actor=leader, plan=plan)
    plan.refresh_from_db()
    act.refresh_from_db()
    assert (new.revision, new.status, new.is_current, plan.is_current) == (2, PlanStatus.DRAFT, True, False)
    assert plan.status == PlanStatus.APPROVED  # the old version is kept as it was
    assert act.plan_item.plan == new and act.plan_item.origin == item
    fill(world, new, "leader", "修订后的指导思想")
    assert "修订后" not in plan.sections.first().body


def test_school_plan_to_district_and_personal_plan_to_leader(world):
    plan = school_plan(world)
    fill(world, plan, "dean")
    services.plan_submit(actor=scope(world, "dean"), plan=plan)
    assert Notification.objects.filter(recipient=world.users["researcher"], kind="plans.submitted").exists()
    with pytest.raises(NotPermitted):
        services.plan_review(actor=scope(world, "other_researcher"), plan=plan, decision="acknowledge")
    services.plan_review(actor=scope(world, "researcher"), plan=plan, decision="comment", comment="建议增加读书交流")
    services.plan_review(actor=scope(world, "researcher"), plan=plan, decision="acknowledge")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACKNOWLEDGED
    mine = personal_plan(world)
    fill(world, mine, "teacher")
    with pytest.raises(NotPermitted):
        fill(world, mine, "colleague")
    services.plan_submit(actor=scope(world, "teacher"), plan=mine)
    assert Notification.objects.filter(recipient=world.users["leader"], kind="plans.submitted").exists()
    with pytest.raises(NotPermitted):
        services.plan_review(actor=scope(world, "colleague"), plan=mine, decision="read")
    services.plan_review(actor=scope(world, "leader"), plan=mine, decision="read", comment="目标具体")
    mine.refresh_from_db()
    assert mine.status == PlanStatus.READ
    assert Notification.objects.filter(recipient=world.users["teacher"], kind="plans.read").exists()


def test_who_may_create_which_plan(world):
    with pytest.raises(NotPermitted):
        group_plan(world, group=world.math, persona="leader")  # not their group
    with pytest.raises(NotPermitted):
        services.plan_create(actor=scope(world, "leader"), level=PlanLevel.SCHOOL, school=world.school, term=world.term)
    with pytest.raises(ValidationError):
        services.plan_create(actor=scope(world, "dean"), level=PlanLevel.SCHOOL, school=world.school, term=world.other_term)
    assert group_plan(world, group=world.math, persona="dean").group == world.math


def test_import_whole_plan_reports_duplicate_requirements(world):
    from xiaoben.requirements.services import requirement_create

    requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期听课不少于20节",
        metric="observations.given",
        period="term",
        threshold=20,
    )
    dean = scope(world, "dean")
    preview = services_import.plan_import_preview(actor=dean, school=world.school, text=PLAN_11)
    assert [s.key for s in preview.sections] == ["guiding", "content", "content", "monthly"]
    assert len([i for i in preview.items if i.month == 10]) == 3
    assert len(preview.proposals) == 2 and list(preview.duplicates) == [0]
    plan, created, dups = services_import.plan_import_save(
        actor=dean,
        school=world.school,
        term=world.term,
        sections=[s.as_dict() for s in preview.sections],
        items=[i.as_dict() for i in preview.items],
        proposals=[p.as_dict() for p in preview.proposals],
    )
    assert plan.items.count() == len(preview.items) == 17
    assert plan.sections.count() == 4
    assert [r.name for r in created] == ["每月写两篇心得体会"]
    assert len(dups) == 1 and dups[0][1].name == "每学期听课不少于20节"
    assert Requirement.objects.filter(school=world.school, metric="observations.given").count() == 1
    talk = PlanItem.objects.get(plan=plan, title__contains="建构理论")
    assert (talk.owner, talk.owner_name, talk.kind) == ("person", "杨校长", "lecture")
    with pytest.raises(NotPermitted):
        services_import.plan_import_preview(actor=scope(world, "teacher"), school=world.school, text=PLAN_11)


def test_region_plan_is_published_to_the_district_schools(world, client_for):
    from xiaoben.core.tenancy import visible_to
    from xiaoben.plans.models import Plan

    researcher = scope(world, "researcher")
    plan = services.plan_create(actor=researcher, level=PlanLevel.REGION, region=world.district, span="year", start_year=2026)
    assert plan.title == "南湖区2026-2027学年区域研修计划"
    fill(world, plan, "researcher", "全区以“大单元教学”为主题开展区域教研。")
    with pytest.raises(NotPermitted):
        services.plan_publish(actor=scope(world, "dean"), plan=plan)
    assert not visible_to(world.users["teacher"], Plan).filter(pk=plan.pk).exists()  # a draft stays in the district office
    services.plan_publish(actor=researcher, plan=plan)
    assert visible_to(world.users["teacher"], Plan).filter(pk=plan.pk).exists()
    assert not visible_to(world.users["other_teacher"], Plan).filter(pk=plan.pk).exists()
    assert not visible_to(world.users["other_researcher"], Plan).filter(pk=plan.pk).exists()
    with pytest.raises(NotPermitted):
        services.plan_create(actor=scope(world, "dean"), level=PlanLevel.REGION, region=world.district, span="year", start_year=2026)
    page = client_for("researcher").get("/plans/new/")
    assert page.status_code == 200 and 'value="region"' in page.content.decode()


def _summary_world(world):
    plan = school_plan(world)
    dean = scope(world, "dean")
    services.item_create(actor=dean, plan=plan, month=9, title="定校本教研活动计划", kind="planning")
    services.item_create(actor=dean, plan=plan, month=10, title="读书汇报会", kind="reading")
    dropped = services.item_create(actor=dean, plan=plan, month=11, title="优秀教学案例评比", kind="competition")
    planning = plan.items.get(kind="planning")
    services.item_mark(actor=dean, item=planning, state=ItemState.DONE, expected_version=planning.version)
    services.item_mark(actor=dean, item=dropped, state=ItemState.DROPPED, note="上级统一安排", expected_version=dropped.version)
    return plan


def test_term_summary_section_counts(world):
    plan = _summary_world(world)
    sec = selectors.term_summary_section(school=world.school, term=world.term)
    (row,) = sec["rows"]
    assert (row["plan"], row["total"], row["held"], row["dropped"], row["not_yet"]) == (plan, 3, 1, 1, 1)
    assert [i.title for i in sec["missed"]] == ["读书汇报会"]
    assert "计划安排3项，已开展1项，取消1项" in sec["text"]


def test_summary_provider_in_the_reports_registry(world):
    from xiaoben.reportkit import summary

    _summary_world(world)
    period = summary.term_period(world.term)
    (sec,) = summary.build(period, only="plans")
    assert sec.title == "计划完成情况"
    assert "安排研修事项3项，已开展1项（完成率50%），取消1项，未开展1项" in sec.paragraphs[0].text
    assert "10月读书汇报会" in sec.problems[0]
