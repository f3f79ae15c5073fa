"""Who reads which writing.

* the author: always (drafts included);
* the school's admins: every submitted writing of their school;
* group leaders: submitted writings of the members of the groups they lead, whatever the visibility;
* colleagues: submitted writings shared with the school, or with a group they are in;
* 区域共享 writings: the teachers of the district's schools and the district's 教研员.
Drafts are nobody's business but the author's.
"""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule
from xiaoben.org.models import GroupMembership

from .models import Book, RecommendedBook, Writing


@scope_rule(Writing)
def _writings(scope, qs):
    submitted = ~Q(status="draft")
    cond = Q(school_id__in=scope.admin_school_ids) & submitted
    if scope.region_school_ids:
        cond |= submitted & Q(visibility="region", school_id__in=scope.region_school_ids)
    if scope.teacher_id:
        sid = scope.teacher.school_id
        cond |= Q(author_id=scope.teacher_id)
        cond |= submitted & Q(school_id=sid, visibility__in=["school", "region"])
        # The district's schools as a list of ids, not a join through `school`: every arm of
        # this OR then has an indexed column (school_id or author_id), so PostgreSQL combines
        # index scans instead of reading the district's writings (issue #13).
        cond |= submitted & Q(visibility="region", school_id__in=scope.home_region_school_ids)
        if scope.member_group_ids:
            in_my_group = GroupMembership.objects.filter(group_id__in=scope.member_group_ids).values("teacher_id")
            cond |= submitted & Q(school_id=sid, visibility="group", author_id__in=in_my_group)
        if scope.led_group_ids:
            cond |= submitted & Q(school_id=sid) & scope.led_members_filter("author_id")
    return qs.filter(cond)


@scope_rule(Book)
def _books(scope, qs):
    """A shelf is the teacher's own; the school's admins see their school's shelves."""
    cond = Q(school_id__in=scope.admin_school_ids)
    if scope.teacher_id:
        cond |= Q(teacher_id=scope.teacher_id)
    return qs.filter(cond)


@scope_rule(RecommendedBook)
def _recommended(scope, qs):
    return qs.filter(school_id__in=scope.member_school_ids)
