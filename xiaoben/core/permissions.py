"""Roles map to permission strings. The only place that says what a role may do.

Permission strings are `<area>:<action>`. A school-level permission is held *in a
school* (a 校长 holds `org:manage` in their own school only); a region-level one
in a region subtree. Views and the API ask `scope.can(perm, school_id=...)`.
"""

from __future__ import annotations

TEACHER_PERMS = frozenset(
    {
        "self:read",
        "school:read_public",  # the school's shared records, group lists, colleagues' names
        "activities:write",  # own records: sign in, minutes as recorder, lesson-plan versions
        "observations:write",
        "writings:write",
        "hours:claim",
        "resources:write",
        "comments:write",
        "research:write",  # submit own achievements, register/lead projects
    }
)

GROUP_LEADER_PERMS = TEACHER_PERMS | {
    "group:read",  # the group's records and compliance
    "group:manage",  # schedule the group's activities, review its writings
    "writings:review",
}

SCHOOL_ADMIN_PERMS = GROUP_LEADER_PERMS | {
    "org:manage",  # terms, groups, teachers, roster import
    "org:read_personal",  # birth dates, phone numbers (PIPL)
    "school:read",  # every private record of the school
    "school:manage",
    "observations:read_school",
    "rubrics:manage",
    "requirements:manage",
    "plans:manage",  # the school plan, group plans' approval, plan import
    "hours:approve_school",
    "assessment:manage",
    "reports:export",
    "mentoring:manage",
    "research:manage",  # verify achievements, confirm project stages, reward rules, import
}

REGION_PERMS = frozenset(
    {
        "region:read",  # aggregates of the region's schools and what they publish
        "region:activities",  # run regional activities
        "hours:approve_region",
        "region:requirements",  # 区域统一要求 for every school of the region
    }
)

REGION_ADMIN_PERMS = REGION_PERMS  # the same as a 教研员's until region settings need more

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "teacher": TEACHER_PERMS,
    "group_leader": GROUP_LEADER_PERMS,
    "principal": SCHOOL_ADMIN_PERMS,
    "school_admin": SCHOOL_ADMIN_PERMS,
    "researcher": REGION_PERMS,
    "region_admin": REGION_ADMIN_PERMS,
}

SCHOOL_ROLES = ("principal", "school_admin")
REGION_ROLES = ("researcher", "region_admin")
