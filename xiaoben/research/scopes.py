"""Who reads projects and achievements.

- ResearchProject: the school's admins; the 主持人 and members (a member from another
  school too, read-only); the school's teachers when the school publishes it (校内公开);
  the region's 教研员 when it is published to the region (区域公开).
- ProjectStage, ProjectDocument: with their project.
- Achievement / AchievementCredit: the credited teachers and the submitter; the school's admins.
  (教研员 read aggregates only, through the comparison selectors.)
- RewardRule: everyone of the school (the rules are the school's published 奖励办法)."""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule, visible_to

from .models import (
    Achievement,
    AchievementCredit,
    ProjectDocument,
    ProjectMember,
    ProjectStage,
    ResearchProject,
    RewardRule,
    Visibility,
)


@scope_rule(ResearchProject)
def _projects(scope, qs):
    cond = Q(school_id__in=scope.admin_school_ids)
    if scope.teacher is not None:
        tid = scope.teacher.pk
        cond |= Q(leader_id=tid) | Q(pk__in=ProjectMember.objects.filter(teacher_id=tid).values("project_id"))
        cond |= Q(school_id=scope.teacher.school_id, visibility__in=[Visibility.SCHOOL, Visibility.REGION])
    if scope.region_school_ids:
        cond |= Q(school_id__in=scope.region_school_ids, visibility=Visibility.REGION)
    return qs.filter(cond)


@scope_rule(ProjectStage)
def _stages(scope, qs):
    return qs.filter(project__in=visible_to(scope, ResearchProject).values("pk"))


@scope_rule(ProjectDocument)
def _documents(scope, qs):
    return qs.filter(project__in=visible_to(scope, ResearchProject).values("pk"))


@scope_rule(ProjectMember)
def _members(scope, qs):
    return qs.filter(project__in=visible_to(scope, ResearchProject).values("pk"))


@scope_rule(Achievement)
def _achievements(scope, qs):
    cond = Q(school_id__in=scope.admin_school_ids)
    if scope.user_id is not None:
        cond |= Q(submitted_by_id=scope.user_id)
    if scope.teacher is not None:
        cond |= Q(pk__in=AchievementCredit.objects.filter(teacher_id=scope.teacher.pk).values("achievement_id"))
    return qs.filter(cond)


@scope_rule(AchievementCredit)
def _credits(scope, qs):
    return qs.filter(achievement__in=visible_to(scope, Achievement).values("pk"))


@scope_rule(RewardRule)
def _rules(scope, qs):
    return qs.filter(school_id__in=scope.member_school_ids)
