"""Demo 考核: the primary school's scheme for the current term, computed from the demo
records, with sheets at every stage (some 自评 done, some reviewed, a few confirmed)."""

from __future__ import annotations

from decimal import Decimal

from xiaoben.core.scope import scope_for

from . import services
from .models import AssessmentResult, ResultStatus

AFTER: tuple[str, ...] = (
    "activities",
    "observations",
    "writings",
    "mentoring",
    "research",
    "hours",
    "requirements",
)  # seeds whose records this one reads


def seed(ctx) -> None:
    school = ctx.schools[0]
    term = ctx.terms[school.pk]
    dean = ctx.personas["dean"]
    principal = ctx.personas["principal"]
    scheme = services.scheme_create(school=school, term=term, name="教师校本研修考核", actor=scope_for(dean))
    services.scheme_open(scheme=scheme, actor=scope_for(dean))
    results = list(AssessmentResult.objects.filter(scheme=scheme).select_related("teacher__user"))
    entered = list(scheme.items.filter(source="entered"))
    rng = ctx.rng
    rng.shuffle(results)
    persona = ctx.personas["teacher"].pk
    # the persona teacher has assessed themself and waits for the group leader
    order = sorted(results, key=lambda r: r.teacher.user_id != persona)
    for n, r in enumerate(order[: max(12, len(order) // 2)]):
        marks = {i.pk: (i.points - Decimal(rng.choice([0, 0, 1, 2]))) for i in entered}
        services.result_self_assess(result=r, actor=scope_for(r.teacher.user), scores=marks, comment=rng.choice(SUMMARIES))
        if n == 0 or n % 3 == 1:
            continue
        reviewer = principal if r.teacher.user_id != principal.pk else dean
        services.result_review(
            result=r,
            actor=scope_for(reviewer),
            scores={k: max(Decimal(0), v - Decimal(rng.choice([0, 0, 1]))) for k, v in marks.items()},
            comment=rng.choice(["工作认真，研修任务完成较好。", "听课评课积极，反思有深度。", "学时尚有欠缺，下学期注意补齐。"]),
        )
        if n % 3 == 0:
            services.result_confirm(result=AssessmentResult.objects.get(pk=r.pk), actor=scope_for(dean))
    assert AssessmentResult.objects.filter(scheme=scheme, status=ResultStatus.SELF).exists()


SUMMARIES = [
    "本学期积极参加校本研修活动，按要求完成听课与教学反思，学时达标。",
    "认真参与集体备课，承担了一节校级公开课，读书笔记尚需加强。",
    "按时参加教研组活动，撰写教学反思，外出学习后做了汇报。",
]
