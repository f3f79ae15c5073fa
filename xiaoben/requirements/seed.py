"""Demo: every school adopts the starter set; 二中 has lowered 听课 to 15 a term and
凤桥学校 asks one 心得 a month (requirements are editable data); 实验小学 also
imported two quotas from its own plan (seed 000). Progress comes from the records the
activities/observations/writings/hours/mentoring seeds created before this one."""

from __future__ import annotations

from xiaoben.core.scope import scope_for
from xiaoben.core.seeding import SeedContext

from . import plan_import, services
from .models import Requirement

PLAN_000 = "4、每周做一次教后反思,每月写一篇教学案例或随笔,每学期至少读一本教育专著,每学期写一份经验总结或教学论文。"


AFTER: tuple[str, ...] = ()  # seeds whose records this one reads


def seed(ctx: SeedContext) -> None:
    dean = ctx.personas.get("dean")
    admin = scope_for(ctx.personas["platform_admin"])  # the other schools' requirements: the platform admin's hand
    for i, school in enumerate(ctx.schools):
        services.starter_set_adopt(actor=scope_for(dean) if i == 0 and dean else admin, school=school)
    if len(ctx.schools) > 1:
        r = Requirement.objects.get(school=ctx.schools[1], starter_key="observe_20")
        services.requirement_update(actor=admin, requirement=r, expected_version=r.version, threshold=15, name="每学期听课不少于15节")
    if len(ctx.schools) > 2:
        r = Requirement.objects.get(school=ctx.schools[2], starter_key="insight_monthly")
        services.requirement_update(actor=admin, requirement=r, expected_version=r.version, threshold=1, name="每月一篇心得体会")
    if ctx.schools:
        wanted = [p for p in plan_import.extract(PLAN_000) if p.metric == "writings.count" and p.filters.get("kinds") == ["reading_note"]]
        wanted += [p for p in plan_import.extract(PLAN_000) if p.filters.get("kinds") == ["case", "narrative"]]
        services.requirements_import(
            actor=scope_for(dean) if dean else admin, school=ctx.schools[0], proposals=[p.as_dict() for p in wanted]
        )
