"""Writings: the author always; group leaders and school admins for submitted ones;
colleagues by the writing's visibility (group / school). Refine here."""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule

from .models import Writing


@scope_rule(Writing)
def _writings(scope, qs):
    submitted = ~Q(status="draft")
    cond = Q(school_id__in=scope.admin_school_ids) & submitted
    if scope.teacher_id:
        sid = scope.teacher.school_id
        cond |= Q(author_id=scope.teacher_id)
        cond |= submitted & Q(school_id=sid, visibility="school")
        if scope.member_group_ids:
            cond |= submitted & Q(school_id=sid, visibility="group", author__memberships__group_id__in=scope.member_group_ids)
        if scope.led_group_ids:
            cond |= submitted & Q(school_id=sid, author__memberships__group_id__in=scope.led_group_ids)
    return qs.filter(cond).distinct()
