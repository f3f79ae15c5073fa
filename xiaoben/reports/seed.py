"""Demo: each school's previous term is closed with its archive built (a real 归档包 to
download), and the 小学's current summary has a draft with the school's own words."""

from __future__ import annotations

from xiaoben.core.scope import build_scope
from xiaoben.org.models import RoleAssignment
from xiaoben.reportkit import summary as sm

from . import services

AFTER: tuple[str, ...] = (
    "activities",
    "observations",
    "writings",
    "hours",
    "requirements",
    "plans",
    "assessment",
)  # seeds whose records this one reads


def seed(ctx) -> None:
    for school in ctx.schools:
        term = ctx.previous_terms.get(school.pk)
        if term is None:
            continue
        ra = (
            RoleAssignment.objects.filter(school=school, role__in=["school_admin", "principal"])
            .select_related("user")
            .order_by("role")
            .first()
        )
        user = ra.user if ra else ctx.personas["platform_admin"]
        # the real archive, as a school closing its term gets it (every record's document)
        services.term_close(actor=build_scope(user), term=term, user=user)
    school = ctx.schools[0]
    dean = ctx.personas["dean"]
    period = sm.term_period(ctx.terms[school.pk])
    services.summary_draft_save(
        actor=build_scope(dean),
        period=period,
        expected_version=0,
        prose={
            "intro": "本学期，我校坚持“以校为本”的研修方向，以课堂教学中的真实问题为抓手，扎实开展集体备课、听课评课、课例研究和读书交流等活动，现将本学期校本研修工作总结如下。",
        },
    )
