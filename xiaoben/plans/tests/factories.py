"""Helpers that build plans through the services, as the people would."""

from __future__ import annotations

from xiaoben.core.scope import reset_scope, scope_for
from xiaoben.plans import services
from xiaoben.plans.models import PlanLevel

PLAN_11 = """一、指导思想：
结合我校的实际情况，本着教研、科研、师训一体化的原则，以“生本课堂、构建高效课堂”研究为抓手。
二、主要工作：
（一） 联系实际，加强学习，促进教师转变教学观念。
1、做好教师教育教学理论的学习和指导工作。
2、每学期听课不少于20节，每月写两篇心得体会。
四、具体措施
1、调查研究本校实际，全面客观地掌握学校情况。
每月安排：
九月份：
1、定校本教研活动计划。
2、集体备课
3、学习“生本课堂”教学理论
十月份：
1、集体备课
2、杨校长“建构理论”讲座
3、校级青年教师评优课
十一月份：
1、“生本课堂”教学理论讲座
2、教师读书活动评比
3、课堂教学研讨活动
4、校级青年教师评优课
5、集体备课
十二月份：
1、教学研讨活动
2、读书汇报会
3、优秀教学案例评比
4、集体备课
一月份
1、集体备课
2、校本教研工作总结
"""


def scope(world, persona: str):
    user = world.users[persona]
    reset_scope(user)
    return scope_for(user)


def school_plan(world, **kw):
    kw.setdefault("term", world.term)
    return services.plan_create(actor=scope(world, "dean"), level=PlanLevel.SCHOOL, school=world.school, **kw)


def group_plan(world, group=None, persona="leader", **kw):
    kw.setdefault("term", world.term)
    return services.plan_create(actor=scope(world, persona), level=PlanLevel.GROUP, group=group or world.chinese, **kw)


def personal_plan(world, persona="teacher", **kw):
    kw.setdefault("term", world.term)
    return services.plan_create(actor=scope(world, persona), level=PlanLevel.PERSONAL, school=world.school, **kw)


def fill(world, plan, persona, body="本学期以“生本课堂”为抓手。"):
    section = plan.sections.first()
    return services.section_save(actor=scope(world, persona), plan=plan, section=section, key=section.key, title=section.title, body=body)
