"""Who may do what to a project or an achievement: plain functions over the scope."""

from __future__ import annotations

from xiaoben.core.scope import Scope

from .models import TERMINAL_STAGES, Achievement, AchievementStatus, ResearchProject


def can_manage_research(scope: Scope, school_id: int | None) -> bool:
    """教导主任/教科室: verify achievements, confirm stages, rules, import."""
    return scope.can("research:manage", school_id=school_id)


def is_project_member(scope: Scope, project: ResearchProject) -> bool:
    if scope.teacher_id is None:
        return False
    if project.leader_id == scope.teacher_id:
        return True
    return any(m.teacher_id == scope.teacher_id for m in project.memberships.all())


def can_edit_project(scope: Scope, project: ResearchProject) -> bool:
    """The school's admins and the 主持人 (a teacher of the project's school)."""
    if can_manage_research(scope, project.school_id):
        return True
    return scope.teacher is not None and scope.teacher.school_id == project.school_id and project.leader_id == scope.teacher_id


def can_upload_project_document(scope: Scope, project: ResearchProject) -> bool:
    """Admins, the 主持人 and members of the same school; a member from another school reads only."""
    if project.stage in TERMINAL_STAGES and not can_manage_research(scope, project.school_id):
        return False
    if can_edit_project(scope, project):
        return True
    return scope.teacher is not None and scope.teacher.school_id == project.school_id and is_project_member(scope, project)


def can_confirm_stage(scope: Scope, project: ResearchProject) -> bool:
    return can_manage_research(scope, project.school_id)


def can_submit_achievement(scope: Scope) -> bool:
    return scope.teacher is not None and scope.can("research:write", school_id=scope.teacher.school_id)


def can_edit_achievement(scope: Scope, achievement: Achievement) -> bool:
    """The submitter or a credited teacher while it is not yet verified; admins always."""
    if can_manage_research(scope, achievement.school_id):
        return True
    if achievement.status == AchievementStatus.VERIFIED:
        return False
    if achievement.submitted_by_id is not None and achievement.submitted_by_id == scope.user_id:
        return True
    return scope.teacher_id is not None and any(c.teacher_id == scope.teacher_id for c in achievement.credits.all())


def can_verify_achievement(scope: Scope, achievement: Achievement) -> bool:
    return can_manage_research(scope, achievement.school_id)
