"""gen_data: regions, schools (20–600 teachers), two school years of terms, teachers
with accounts, 教研组/备课组 and the stored roles. Fills `ctx.schools` for every later
generator. Personas for the bench and the load test (password as in the demo):
`{code}-0001` 校长 and `{code}-0002` 教导主任 of each school, `gen-jyy-<n>` the 教研员
of district n, `gen-admin` the platform admin; the first school (G0001) has 600 teachers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from xiaoben.core.gendata import GenContext, GenGroup, GenSchool, GenTerm, marker_code, school_sizes, weight

from .choices import Education, Stage, Title
from .demo import GIVEN_F, GIVEN_M, SUBJECT_GROUPS, SURNAMES, _current_start_year, _holiday_weeks, _term_dates
from .models import Group, GroupMembership, Region, RoleAssignment, School, SchoolYear, Teacher, Term
from .services import name_initials

ORDER = 0
SCHOOLS_PER_DISTRICT = 200
STAGES = [Stage.PRIMARY, Stage.PRIMARY, Stage.JUNIOR, Stage.NINE_YEAR]
STAGE_NAMES = {Stage.PRIMARY: "小学", Stage.JUNIOR: "初级中学", Stage.NINE_YEAR: "九年一贯制学校"}
SUBJECT_SHARES = {
    Stage.PRIMARY: [
        ("语文", 36),
        ("数学", 30),
        ("英语", 12),
        ("科学", 5),
        ("音乐", 4),
        ("美术", 4),
        ("体育", 5),
        ("信息技术", 2),
        ("道德与法治", 2),
    ],
    Stage.JUNIOR: [
        ("语文", 16),
        ("数学", 16),
        ("英语", 14),
        ("物理", 8),
        ("化学", 6),
        ("生物", 6),
        ("历史", 6),
        ("地理", 6),
        ("道德与法治", 7),
        ("音乐", 3),
        ("美术", 3),
        ("体育", 7),
        ("信息技术", 2),
    ],
    Stage.NINE_YEAR: [
        ("语文", 26),
        ("数学", 24),
        ("英语", 14),
        ("科学", 8),
        ("物理", 4),
        ("道德与法治", 5),
        ("音乐", 4),
        ("美术", 4),
        ("体育", 7),
        ("信息技术", 4),
    ],
}
GRADES = {Stage.PRIMARY: list(range(1, 7)), Stage.JUNIOR: [7, 8, 9], Stage.NINE_YEAR: list(range(1, 10))}


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("org")
    w = ctx.writer
    User = get_user_model()
    n_districts = max(1, -(-ctx.n_schools // SCHOOLS_PER_DISTRICT))
    province_id, city_id = w.ids(Region, 2)
    district_ids = list(w.ids(Region, n_districts))
    regions = [
        {"id": province_id, "name": "生成省", "kind": "province", "code": marker_code(ctx.n_schools, ctx.seed)},
        {"id": city_id, "name": "生成市", "kind": "city", "parent_id": province_id},
    ]
    regions += [{"id": rid, "name": f"第{i + 1}区", "kind": "district", "parent_id": city_id} for i, rid in enumerate(district_ids)]
    w.insert(Region, regions)
    ctx.region_ids = district_ids

    sizes = ctx.sizes or school_sizes(ctx.n_schools, rng)
    school_ids = w.ids(School, ctx.n_schools)
    start_year = _current_start_year(ctx.today)
    schools, years, terms = [], [], []
    for i, (sid, size) in enumerate(zip(school_ids, sizes, strict=True)):
        stage = STAGES[i % len(STAGES)]
        code = f"G{i + 1:04d}"
        region_id = district_ids[i // SCHOOLS_PER_DISTRICT]
        schools.append(
            {
                "id": sid,
                "name": f"第{i + 1}{STAGE_NAMES[stage]}",
                "short_name": f"{i + 1}校",
                "code": code,
                "stage": stage,
                "region_id": region_id,
            }
        )
        gs = GenSchool(id=sid, code=code, region_id=region_id, size=size, weight=1.0 if i == 0 else weight(rng, 0.35), stage=stage)
        for year in (start_year - 1, start_year):
            (yid,) = w.ids(SchoolYear, 1)
            gs.year_ids[year] = yid
            years.append({"id": yid, "school_id": sid, "start_year": year})
            for number in (1, 2):
                start, end = _term_dates(year, number)
                (tid,) = w.ids(Term, 1)
                terms.append(
                    {
                        "id": tid,
                        "school_id": sid,
                        "school_year_id": yid,
                        "number": number,
                        "start_date": start,
                        "end_date": end,
                        "holiday_weeks": _holiday_weeks(start, end, number),
                    }
                )
                gs.terms.append(GenTerm(tid, yid, start, end))
        ctx.schools.append(gs)
    w.insert(School, schools)
    w.insert(SchoolYear, years)
    w.insert(Term, terms)

    for gs in ctx.schools:
        _teachers(ctx, rng, gs, User)
        _groups(ctx, rng, gs)
    _roles(ctx, User)


def _teachers(ctx, rng, gs: GenSchool, User) -> None:
    w, today = ctx.writer, ctx.today
    shares = SUBJECT_SHARES[gs.stage]
    subjects = rng.choices([s for s, _ in shares], weights=[n for _, n in shares], k=gs.size)
    user_ids = w.ids(User, gs.size)
    teacher_ids = w.ids(Teacher, gs.size)
    users, teachers = [], []
    for i, (uid, tid, subject) in enumerate(zip(user_ids, teacher_ids, subjects, strict=True), start=1):
        gender = "F" if rng.random() < 0.72 else "M"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_F if gender == "F" else GIVEN_M)
        age = rng.choice([rng.randint(23, 34), rng.randint(35, 49), rng.randint(35, 49), rng.randint(50, 58)])
        if i <= 2:
            age = rng.randint(45, 55)
        years = max(0, min(age - 22, 38) - rng.randint(0, 2)) if age > 25 else rng.randint(0, 2)
        since = dt.date(today.year - years - (0 if today >= dt.date(today.year, 8, 28) else 1), 8, 28)
        staff_no = f"{i:04d}"
        users.append({"id": uid, "username": f"{gs.code}-{staff_no}", "password": ctx.password_hash, "full_name": name, "is_active": True})
        title = (
            Title.SENIOR if years > 25 and rng.random() < 0.4 else Title.FIRST if years > 10 else Title.SECOND if years >= 1 else Title.NONE
        )
        grades = sorted(rng.sample(GRADES[gs.stage], k=1 if subject in ("语文", "数学") else min(2, len(GRADES[gs.stage]))))
        teachers.append(
            {
                "id": tid,
                "user_id": uid,
                "school_id": gs.id,
                "staff_no": staff_no,
                "name": name,
                "name_initials": name_initials(name),
                "gender": gender,
                "birth_date": dt.date(today.year - age, 1, 1) + dt.timedelta(days=rng.randint(0, 300)),
                "teaching_since": since,
                "education": rng.choice([Education.BACHELOR] * 7 + [Education.MASTER] * 2 + [Education.COLLEGE]),
                "title": title,
                "subject": subject,
                "grades": grades,
                "is_head_teacher": subject in ("语文", "数学") and rng.random() < 0.5,
                "is_active": True,
            }
        )
        gs.teacher_ids.append(tid)
        gs.user_ids[tid] = uid
        gs.subjects[tid] = subject
        gs.since[tid] = since
        # Most teachers near the quota, some quiet, a long tail of prolific ones.
        gs.weights[tid] = 0.15 if rng.random() < 0.08 else weight(rng, 0.6)
    w.insert(User, users)
    w.insert(Teacher, teachers)


def _groups(ctx, rng, gs: GenSchool) -> None:
    w = ctx.writer
    groups, members = [], []
    by_subject: dict[str, list[int]] = {}
    for tid in gs.teacher_ids:
        by_subject.setdefault(gs.subjects[tid], []).append(tid)
    for name, subject, subjects in SUBJECT_GROUPS[gs.stage]:
        in_group = [t for s in subjects for t in by_subject.get(s, [])]
        if not in_group:
            continue
        (gid,) = w.ids(Group, 1)
        leader = min(in_group, key=lambda t: gs.since[t])
        groups.append({"id": gid, "school_id": gs.id, "kind": "subject", "name": name, "subject": subject, "is_active": True})
        members += [{"group_id": gid, "teacher_id": t, "role": "leader" if t == leader else "member"} for t in in_group]
        gs.groups.append(GenGroup(gid, "subject", subject, in_group, leader, weight(rng, 0.8)))
        if subject in ("语文", "数学", "英语"):
            # 备课组 per grade (large schools: about 12 teachers each).
            chunk = 12
            for k in range(0, len(in_group), chunk):
                prep_members = in_group[k : k + chunk]
                if len(prep_members) < 2:
                    continue
                (pid,) = w.ids(Group, 1)
                prep_leader = prep_members[0] if prep_members[0] != leader else prep_members[-1]
                groups.append(
                    {
                        "id": pid,
                        "school_id": gs.id,
                        "kind": "prep",
                        "name": f"{subject}备课组{k // chunk + 1}",
                        "subject": subject,
                        "parent_id": gid,
                        "is_active": True,
                    }
                )
                members += [{"group_id": pid, "teacher_id": t, "role": "leader" if t == prep_leader else "member"} for t in prep_members]
                gs.groups.append(GenGroup(pid, "prep", subject, prep_members, prep_leader, weight(rng, 0.8)))
    w.insert(Group, groups)
    w.insert(GroupMembership, members)


def _roles(ctx, User) -> None:
    w = ctx.writer
    roles = []
    for gs in ctx.schools:
        principal, dean = gs.teacher_ids[0], gs.teacher_ids[1]
        roles.append({"user_id": gs.user_ids[principal], "role": "principal", "school_id": gs.id, "title": "校长"})
        roles.append({"user_id": gs.user_ids[dean], "role": "school_admin", "school_id": gs.id, "title": "教导主任"})
    staff = []
    for i, rid in enumerate(ctx.region_ids, start=1):
        (uid,) = w.ids(User, 1)
        staff.append({"id": uid, "username": f"gen-jyy-{i}", "password": ctx.password_hash, "full_name": f"教研员{i}", "is_active": True})
        roles.append({"user_id": uid, "role": "researcher", "region_id": rid, "title": "区教研员"})
    (admin_id,) = w.ids(User, 1)
    staff.append(
        {
            "id": admin_id,
            "username": "gen-admin",
            "password": ctx.password_hash,
            "full_name": "平台管理员",
            "is_active": True,
            "is_staff": True,
            "is_superuser": True,
        }
    )
    roles.append({"user_id": admin_id, "role": "platform_admin", "title": "平台管理员"})
    w.insert(User, staff)
    w.insert(RoleAssignment, roles)
