from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from xiaoben.core.decorators import require_perm
from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from . import selectors
from .choices import SUBJECTS
from .models import Group, Teacher, Term


@login_required
def teachers(request):
    """The school's staff list. Personal columns only for those allowed (PIPL)."""
    scope = scope_for(request.user)
    school = selectors.school_for_scope(scope, int_param(request.GET.get("school")))
    q = request.GET.get("q", "").strip()
    subject = request.GET.get("subject", "")
    qs = selectors.teacher_list(user=request.user, school_id=school.pk if school else -1, search=q, subject=subject)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    personal = bool(school) and scope.can("org:read_personal", school_id=school.pk)
    return render(
        request,
        "org/teachers.html",
        {
            "page": page,
            "school": school,
            "q": q,
            "subject": subject,
            "subjects": SUBJECTS,
            "personal": personal,
            "can_manage": bool(school) and scope.can("org:manage", school_id=school.pk),
            "query": f"q={q}&subject={subject}",
        },
    )


@login_required
def teacher_detail(request, pk: int):
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("school", "user"), pk=pk)
    scope = scope_for(request.user)
    return render(
        request,
        "org/teacher_detail.html",
        {
            "teacher": teacher,
            "personal": selectors.can_see_personal(scope, teacher),
            "groups": selectors.teacher_groups(teacher),
            "honours": list(teacher.honours.all()),
            "can_manage": scope.can("org:manage", school_id=teacher.school_id),
        },
    )


@login_required
def groups(request):
    scope = scope_for(request.user)
    school = selectors.school_for_scope(scope, int_param(request.GET.get("school")))
    rows = list(selectors.group_list(user=request.user, school_id=school.pk if school else -1))
    leaders = selectors.group_leaders(g.pk for g in rows)
    for g in rows:
        g.leader_list = leaders.get(g.pk, [])
    return render(
        request,
        "org/groups.html",
        {"groups": rows, "school": school, "can_manage": bool(school) and scope.can("org:manage", school_id=school.pk)},
    )


@login_required
def group_detail(request, pk: int):
    group = get_object_for_user(request.user, Group, Group.objects.select_related("school", "parent"), pk=pk)
    members = group.memberships.select_related("teacher").order_by("role", "teacher__staff_no")
    can_manage = scope_for(request.user).can("org:manage", school_id=group.school_id)
    return render(request, "org/group_detail.html", {"group": group, "members": members, "can_manage": can_manage})


@require_perm("org:manage")
def terms(request):
    scope = scope_for(request.user)
    rows = visible_to(request.user, Term).select_related("school_year", "school")
    if scope.school_id is not None or not scope.is_platform_admin:
        rows = rows.filter(school_id=scope.school_id)
    else:  # the platform admin: every school's terms, with the school named
        rows = rows.order_by("school__name", "-start_date")
    return render(
        request,
        "org/terms.html",
        {"terms": rows, "current": selectors.current_term(scope.school_id), "all_schools": scope.school_id is None},
    )
