"""Bench figures of the org app: a roster import of 3,000 rows (rolled back after each run)."""

import io
from typing import Any

from django.urls import reverse
from openpyxl import Workbook

from xiaoben.core.bench import BenchEnv, figure

from .roster import COLUMNS

ROWS = 3000


def roster_file(n: int = ROWS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    subjects = ["语文", "数学", "英语", "科学", "体育"]
    for i in range(1, n + 1):
        row = {
            "工号": f"R{i:05d}",
            "姓名": f"导入教师{i}",
            "性别": "女" if i % 3 else "男",
            "出生日期": f"{1970 + i % 30}-0{1 + i % 9}-1{i % 9}",
            "参加工作时间": f"{1992 + i % 30}-09",
            "学历": "本科",
            "职称": "二级教师",
            "主教学科": subjects[i % 5],
            "任教年级": "三年级",
            "班主任": "否",
            "手机号": f"139{i:08d}",
        }
        ws.append([row.get(c.header, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _data(env: BenchEnv) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw = env.extra.setdefault("roster", roster_file())
    return {"file": SimpleUploadedFile("roster.xlsx", raw), "initial_password": "Xiaoben2026", "dry_run": ""}


figure(
    key="org.roster_import",
    label="导入3000人名册（校长）",
    persona="principal",
    url=lambda env: reverse("org:roster_import"),
    method="POST",
    data=_data,
    rollback=True,
    repeat=5,
)


def generated_env() -> BenchEnv:
    """The personas of a `gen_data` set: the 600-teacher school G0001's 校长, a 教研组长 and a
    teacher of it, the district's 教研员 and the platform admin."""
    from django.contrib.auth import get_user_model

    from .models import GroupMembership, School
    from .selectors import current_term

    User = get_user_model()
    school = School.objects.get(code="G0001")
    leads = GroupMembership.objects.filter(group__school=school, group__kind="subject", role="leader").select_related("teacher__user")
    first = leads.order_by("group_id").first()
    assert first is not None and first.teacher.user is not None, "a gen_data school has group leaders with accounts"
    leader = first.teacher.user
    users = {
        "principal": User.objects.get(username="G0001-0001"),
        "dean": User.objects.get(username="G0001-0002"),
        "leader": leader,
        "teacher": User.objects.get(username="G0001-0100"),
        "researcher": User.objects.get(username="gen-jyy-1"),
        "admin": User.objects.get(username="gen-admin"),
    }
    return BenchEnv(users=users, school=school, term=current_term(school.pk))
