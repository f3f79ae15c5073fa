"""Demo plans: the 小学's 校本研修工作计划 for the current term in the style of seed 000
篇11 (with its 每月安排, 报送区里 and acknowledged), each 教研组's plan (approved, one
sent back once and approved, one waiting), a few personal plans, and plan vs actual from
the activities the activities seed already made: past months held, one item dropped,
a few not yet."""

from __future__ import annotations

from django.db.models import Q

from xiaoben.core.scope import build_scope
from xiaoben.core.seeding import SeedContext

from . import services
from .models import ItemState, PlanLevel
from .parsing import extract_items

FIRST_TERM_MONTHS = """九月份：
1、制定校本研修工作计划
2、各教研组集体备课
3、学习“生本课堂”教学理论
十月份：
1、集体备课
2、校长“建构理论”专题讲座
3、校级青年教师评优课
十一月份：
1、“生本课堂”教学理论讲座
2、教师读书活动评比
3、课堂教学研讨活动
4、集体备课
十二月份：
1、教学研讨活动
2、读书汇报会
3、优秀教学案例评比
4、集体备课
一月份：
1、集体备课
2、校本研修工作总结
"""
SECOND_TERM_MONTHS = """二月份：
1、制定学校教研计划
2、召开教研组长会
三月份：
1、骨干教师示范课
2、组内研讨课
3、理论学习
四月份：
1、校级研讨课
2、教研组教研活动
3、读书交流会
五月份：
1、教研组教研活动
2、教师撰写经验或论文
六月份：
1、优秀教案评比
2、教研工作总结
"""

SCHOOL_SECTIONS = [
    (
        "guiding",
        "指导思想",
        "结合我校的实际情况，本着教研、科研、师训一体化的原则，以“生本课堂、构建高效课堂”研究为抓手，以课堂教学为阵地，"
        "以教师队伍建设为根本，以教学常规为规范，提高教师把握教材、处理教材、驾驭课堂的能力，促进教师专业化成长。",
    ),
    ("goals", "工作目标", "1、每位教师每学期上好一节研讨课。\n2、各教研组形成一个研究专题，学期末有案例和反思成果。"),
    (
        "content",
        "主要工作与措施",
        "（一）联系实际，加强学习，促进教师转变教学观念。\n1、做好教师教育教学理论的学习和指导工作。\n"
        "（二）狠抓课堂教学研究。\n1、继续开展“生本课堂”研究，开展同课异构、一课多研等课例研究。\n2、完善备课制度，实施个体备课与集体备课相结合。",
    ),
    (
        "quotas",
        "量化要求",
        "1、每学期听课不少于20节。\n2、每周做一次教后反思，每月写一篇教学案例或随笔。\n3、每学期至少读一本教育专著。\n4、各教研组每两周开展一次集体备课。",
    ),
    ("monthly", "每月安排", ""),
    ("safeguards", "保障措施", "1、组织保障：成立校本研修领导小组，校长任组长。\n2、制度保障：校本研修与评优树模、年度考核挂钩。"),
]

GROUP_ITEMS = [
    ("lesson_prep", "单元集体备课"),
    ("open_lesson", "组内研讨课"),
    ("reading", "读书交流"),
    ("seminar", "期中质量分析与主题教研"),
]


AFTER: tuple[str, ...] = ("activities",)  # seeds whose records this one reads


def _scope(user):
    return build_scope(user)


def seed(ctx: SeedContext) -> None:
    if not ctx.schools:
        return
    school = ctx.schools[0]
    term = ctx.terms[school.pk]
    dean = _scope(ctx.personas["dean"])
    plan = services.plan_create(actor=dean, level=PlanLevel.SCHOOL, school=school, term=term, start_from="blank")
    for key, title, body in SCHOOL_SECTIONS:
        services.section_save(actor=dean, plan=plan, key=key, title=title, body=body)
    services.section_insert_structure_analysis(actor=dean, plan=plan, on=ctx.today)
    months = FIRST_TERM_MONTHS if term.number == 1 else SECOND_TERM_MONTHS
    for it in extract_items(months):
        services.item_create(
            actor=dean,
            plan=plan,
            month=it.month,
            title=it.title,
            kind=it.kind or "other",
            lesson_kind=it.lesson_kind,
            topic=it.topic,
            owner=it.owner if it.owner != "group" else "groups",
        )
    services.item_create(actor=dean, plan=plan, title="每周五下午集体备课", kind="lesson_prep", owner="groups", weekday=4, period=7)
    services.plan_submit(actor=dean, plan=plan)
    if ctx.personas.get("researcher"):
        services.plan_review(
            actor=_scope(ctx.personas["researcher"]), plan=plan, decision="acknowledge", comment="计划具体，注意落实每月安排。"
        )
    _plan_vs_actual(ctx, plan, school, term, dean)
    _group_plans(ctx, school, term, dean)
    _personal_plans(ctx, school, term)


def _month_of(activity) -> int | None:
    from django.utils import timezone

    return timezone.localtime(activity.starts_at).month if activity.starts_at else None


def _plan_vs_actual(ctx, plan, school, term, actor) -> None:
    """Past months: link the activities already held to the items they fulfil; tick
    the 计划/总结 done; drop one; leave a few not yet."""
    from xiaoben.activities.models import Activity

    acts = list(
        Activity.objects.filter(school=school, term=term, plan_item__isnull=True)
        .filter(Q(status__in=["held", "recorded", "archived", "published", "planned"]))
        .order_by("starts_at")
    )
    today_month = ctx.today.month
    items = list(plan.items.filter(weekday__isnull=True).order_by("month", "order"))
    taken: set[int] = set()
    for n, item in enumerate(items):
        if item.month is None:
            continue
        past = _months_before(term, item.month, today_month)
        if not item.makes_activities:
            if past:
                services.item_mark(actor=actor, item=item, state=ItemState.DONE, expected_version=item.version)
            continue
        if past and n % 5 == 3:
            services.item_mark(
                actor=actor, item=item, state=ItemState.DROPPED, expected_version=item.version, note="与区教研活动时间冲突，并入下月"
            )
            continue
        match = next((a for a in acts if a.pk not in taken and a.kind == item.kind and _month_of(a) == item.month), None)
        if match is not None:
            taken.add(match.pk)
            Activity.objects.filter(pk=match.pk).update(plan_item=item)
    weekly = plan.items.filter(weekday__isnull=False).first()
    if weekly is not None:
        Activity.objects.filter(school=school, term=term, slot__isnull=False, plan_item__isnull=True).update(plan_item=weekly)


def _months_before(term, month: int, today_month: int) -> bool:
    """Is `month` over, in the school-year order of the term (9…1 or 2…7)?"""
    order = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]
    return order.index(month) < order.index(today_month)


def _group_plans(ctx, school, term, dean) -> None:
    from xiaoben.org.models import Group

    groups = list(Group.objects.filter(school=school, kind="subject", is_active=True).order_by("id"))
    first_month = term.start_date.month
    for i, group in enumerate(groups):
        leader = group.memberships.filter(role="leader").select_related("teacher__user").first()
        if leader is None:
            continue
        actor = _scope(leader.teacher.user)
        plan = services.plan_create(actor=actor, level=PlanLevel.GROUP, group=group, term=term)
        sections = list(plan.sections.all())
        texts = {
            "guiding": f"以学校校本研修计划为依据，围绕“{group.subject or group.name}课堂提问的有效性”开展组本研修。",
            "analysis": f"本组教师{group.memberships.count()}人，青年教师较多，课堂教学经验有待积累。",
            "goals": "每人上一节组内研讨课，形成一份单元教学设计。",
            "content": "每两周一次集体备课，每月一次主题教研；开展同课异构。",
            "monthly": "",
        }
        for s in sections:
            services.section_save(actor=actor, plan=plan, section=s, key=s.key, title=s.title, body=texts.get(s.key, ""))
        for j, (kind, title) in enumerate(GROUP_ITEMS):
            month = (first_month + j - 1) % 12 + 1
            services.item_create(actor=actor, plan=plan, month=month, title=title, kind=kind, owner="group", group=group)
        if i % 4 == 3:
            continue  # one group is still writing
        services.plan_submit(actor=actor, plan=plan)
        if i % 4 == 1:
            services.plan_review(actor=dean, plan=plan, decision="return", comment="请把每月安排写具体，注明主备人。")
            services.plan_submit(actor=actor, plan=plan)
        if i % 4 != 2:
            services.plan_review(actor=dean, plan=plan, decision="approve")


def _personal_plans(ctx, school, term) -> None:
    from xiaoben.org.models import Group

    chinese = Group.objects.filter(school=school, name="语文组").first()
    if chinese is None:
        return
    teachers = [
        m.teacher for m in chinese.memberships.filter(role="member").select_related("teacher__user").order_by("teacher__staff_no")[:3]
    ]
    persona = ctx.personas.get("teacher")
    if persona is not None and all(t.user_id != persona.pk for t in teachers):
        teachers = [persona.teacher, *teachers[:2]]
    leader = chinese.memberships.filter(role="leader").select_related("teacher__user").first()
    for i, t in enumerate(teachers):
        actor = _scope(t.user)
        plan = services.plan_create(actor=actor, level=PlanLevel.PERSONAL, school=school, term=term)
        for s in plan.sections.all():
            body = {
                "analysis": "从教时间不长，课堂调控和提问设计是薄弱环节。",
                "goals": "每学期读一本教育专著，上好一节组内研讨课，每周写一篇教学反思。",
                "content": "1、精读《给教师的建议》，写读书笔记。\n2、每周听同组教师一节课。",
            }.get(s.key, "")
            services.section_save(actor=actor, plan=plan, section=s, key=s.key, title=s.title, body=body)
        if i == 2:
            continue
        services.plan_submit(actor=actor, plan=plan)
        if i == 0 and leader is not None:
            services.plan_review(actor=_scope(leader.teacher.user), plan=plan, decision="read", comment="目标具体，坚持写反思。")
