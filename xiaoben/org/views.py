from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from xiaoben.core.decorators import AuthedRequest, require_perm
from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user

from . import selectors
from .choices import SUBJECTS
from .models import Group, Teacher


@login_required
def teachers(request: AuthedRequest) -> HttpResponse:
    """The school's staff list. Personal columns only for those allowed (PIPL)."""
    scope = scope_for(request.user)
    school = selectors.school_for_scope(scope, int_param(request.GET.get("school")))
    q = request.GET.get("q", "").strip()
    subject = request.GET.get("subject", "")
    qs = selectors.teacher_list(user=request.user, school_id=school.pk if school else -1, search=q, subject=subject)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    personal = school is not None and scope.can("org:read_personal", school_id=school.pk)
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
            "can_manage": school is not None and scope.can("org:manage", school_id=school.pk),
            "query": f"q={q}&subject={subject}",
        },
    )


@login_required
def teacher_detail(request: AuthedRequest, pk: int) -> HttpResponse:
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
def groups(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    school = selectors.school_for_scope(scope, int_param(request.GET.get("school")))
    rows = list(selectors.group_list(user=request.user, school_id=school.pk if school else -1))
    leaders = selectors.group_leaders(g.pk for g in rows)
    for g in rows:
        setattr(g, "leader_list", leaders.get(g.pk, []))  # noqa: B010 (read by the template)
    return render(
        request,
        "org/groups.html",
        {"groups": rows, "school": school, "can_manage": school is not None and scope.can("org:manage", school_id=school.pk)},
    )


@login_required
def group_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    group = get_object_for_user(request.user, Group, Group.objects.select_related("school", "parent"), pk=pk)
    members = selectors.group_members(group)
    can_manage = scope_for(request.user).can("org:manage", school_id=group.school_id)
    return render(request, "org/group_detail.html", {"group": group, "members": members, "can_manage": can_manage})


@require_perm("org:manage")
def terms(request: AuthedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    rows = selectors.terms_for(scope)  # the platform admin: every school's terms, with the school named
    return render(
        request,
        "org/terms.html",
        {"terms": rows, "current": selectors.current_term(scope.school_id), "all_schools": scope.school_id is None},
    )
