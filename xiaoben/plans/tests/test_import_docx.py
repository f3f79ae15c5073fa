"""Tried as a new user would: the 教导主任 uploads 篇11 and 篇12 of seed 000 as real .docx
files, confirms what is proposed, turns October's items into activities; a 教研组长
finishes one and holds it; the plan shows it held."""

import glob
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.seeds import SEEDS as SEEDS_DIR
from xiaoben.activities.models import Activity
from xiaoben.core.scope import scope_for
from xiaoben.plans.models import Plan
from xiaoben.requirements.models import Requirement

SEEDS = str(SEEDS_DIR)
pytestmark = pytest.mark.skipif(not glob.glob(f"{SEEDS}/000_*.txt"), reason="seed documents not present")


def _plan_text(n: int) -> str:
    (path,) = glob.glob(f"{SEEDS}/000_*.txt")
    with open(path, encoding="utf-8") as fh:
        parts = re.split(r"\n小学校本研修工作计划2022 篇(\d+)\n", fh.read())
    return dict(zip(parts[1::2], parts[2::2], strict=True))[str(n)]


def _docx(text: str) -> bytes:
    """A Word file as a school writes it: a title, then one paragraph per line."""
    import docx

    doc = docx.Document()
    doc.add_heading("小学校本研修工作计划", level=1)
    for line in text.split("\n"):
        if line.strip():
            doc.add_paragraph(line.strip())
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _preview(client, n: int):
    upload = SimpleUploadedFile(f"篇{n}.docx", _docx(_plan_text(n)))
    r = client.post("/plans/import/", {"step": "extract", "upload": upload})
    assert r.status_code == 200
    return r, r.context


def _confirm_all(ctx, *, term, extra=None) -> dict:
    """What the admin's browser sends back: every row as shown (ticked as proposed)."""
    data = {"step": "save", "level": "school", "term": term.pk, "span": "term", "title": ""}
    preview = ctx["preview"]
    data["sec-count"] = len(preview.sections)
    for i, s in enumerate(preview.sections):
        data |= {f"sec-{i}-keep": "on", f"sec-{i}-title": s.title, f"sec-{i}-key": s.key, f"sec-{i}-body": s.body}
    data["item-count"] = len(ctx["item_rows"])
    for i, it, js in ctx["item_rows"]:
        row = {f"item-{i}-data": js, f"item-{i}-title": it.title, f"item-{i}-month": it.month or "", f"item-{i}-kind": it.kind or "other"}
        row[f"item-{i}-owner"] = it.owner
        if not it.doubtful:
            row[f"item-{i}-keep"] = "on"
        data |= row
    data["req-count"] = len(ctx["proposal_rows"])
    for i, p, dup, js in ctx["proposal_rows"]:
        row = {f"req-{i}-data": js, f"req-{i}-name": p.name, f"req-{i}-period": p.period, f"req-{i}-applies_to": p.applies_to}
        row[f"req-{i}-threshold"] = p.threshold
        if not dup and not p.doubtful:
            row[f"req-{i}-keep"] = "on"
        data |= row
    return data | (extra or {})


def test_plan_11_docx_from_upload_to_held_activity(world, client_for):
    dean = client_for("dean")
    r, ctx = _preview(dean, 11)
    preview = ctx["preview"]
    html = r.content.decode()
    # the title paragraph of the Word file becomes 前言; then the plan's own headings
    assert [s.title for s in preview.sections] == ["前言", "指导思想", "主要工作", "具体措施", "每月安排"]
    assert [s.key for s in preview.sections][1:] == ["guiding", "content", "content", "monthly"]
    months = {}
    for it in preview.items:
        months.setdefault(it.month, []).append(it.title)
    assert list(months) == [9, 10, 11, 12, 1] and len(preview.items) == 17
    assert months[10] == ["集体备课", "杨校长“建构理论”讲座", "校级青年教师评优课"]
    assert preview.proposals == []  # 篇11 states no quotas
    assert html.count('data-testid="import-item"') == 17
    r = dean.post("/plans/import/", _confirm_all(ctx, term=world.term))
    plan = Plan.objects.get(level="school", school=world.school)
    assert r.status_code == 302 and r["Location"] == f"/plans/{plan.pk}/"
    assert plan.sections.count() == 5 and plan.items.count() == 17
    # October → draft activities: 集体备课 for each 教研组, the lecture and the 评优课 for the school
    dean.post(f"/plans/{plan.pk}/schedule/", {"month": 10})
    acts = list(Activity.objects.filter(plan_item__plan=plan).select_related("group"))
    assert sorted((a.group.name if a.group else "学校", a.kind) for a in acts) == [
        ("学校", "lecture"),
        ("学校", "open_lesson"),
        ("数学组", "lesson_prep"),
        ("语文组", "lesson_prep"),
    ]
    # the 语文组 leader completes the 四定, publishes, holds it
    leader = client_for("leader")
    act = next(a for a in acts if a.group and a.group.name == "语文组")
    assert act.status == "planned"
    r = leader.post(
        f"/activities/{act.pk}/edit/",
        {
            "kind": "lesson_prep",
            "title": "第三单元集体备课",
            "group": world.chinese.pk,
            "starts_at": "2026-10-16 14:00",
            "ends_at": "2026-10-16 15:30",
            "place": "语文组办公室",
            "host": world.leader.pk,
            "recorder": world.mentor.pk,
            "version": act.version,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert leader.post(f"/activities/{act.pk}/status/publish/").status_code == 302
    assert leader.post(f"/activities/{act.pk}/status/held/").status_code == 302
    act.refresh_from_db()
    assert (act.status, act.plan_item.plan) == ("held", plan)
    page = dean.get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="held">1<' in page
    assert f"/activities/{act.pk}/" in page


def test_plan_12_docx_sections_and_month_sentences(world, client_for):
    dean = client_for("dean")
    Requirement.objects.all().delete()
    _, ctx = _preview(dean, 12)
    preview = ctx["preview"]
    assert [s.title for s in preview.sections] == [
        "前言",
        "健全管理制度",
        "规范管理备课组工作",
        "创新校本研修活动",
        "进一步抓好师徒结对工作",
        "按要求完成好上级安排的各项工作",
    ]
    assert "指导思想" in preview.sections[0].body and preview.sections[0].key == "guiding"
    assert [(i.month, i.kind) for i in preview.items] == [(3, "same_topic"), (4, "lesson_study")]
    r = dean.post("/plans/import/", _confirm_all(ctx, term=world.prev_term))
    plan = Plan.objects.get(level="school", school=world.school)
    assert r.status_code == 302 and plan.term == world.prev_term
    assert list(plan.items.values_list("month", "kind", "owner")) == [(3, "same_topic", "groups"), (4, "lesson_study", "groups")]


def test_import_reports_identical_requirements(world, client_for):
    from xiaoben.requirements.services import requirement_create

    requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期听课不少于20节",
        metric="observations.given",
        period="term",
        threshold=20,
    )
    dean = client_for("dean")
    text = _plan_text(3)
    r = dean.post("/plans/import/", {"step": "extract", "text": text})
    ctx = r.context
    rows = {(p.metric, p.period, p.threshold): dup for _, p, dup, _ in ctx["proposal_rows"]}
    assert rows[("observations.given", "term", 20)] is not None  # 每学期听课不少于20节: the school has it
    assert rows[("writings.count", "month", 2)] is None  # 每月写两篇…心得体会: new
    assert 'data-testid="duplicate"' in r.content.decode()
    data = _confirm_all(ctx, term=world.term)
    for i, _p, dup, _ in ctx["proposal_rows"]:
        if dup:
            data[f"req-{i}-keep"] = "on"  # the admin ticks it anyway: still not added twice
    r = dean.post("/plans/import/", data, follow=True)
    assert Requirement.objects.filter(school=world.school, metric="observations.given", period="term").count() == 1
    assert "没有重复添加" in r.content.decode()


def test_import_refuses_teachers_and_bad_files(world, client_for):
    assert client_for("teacher").get("/plans/import/").status_code == 404
    assert client_for("other_teacher").get("/plans/import/").status_code == 404
    r = client_for("dean").post("/plans/import/", {"step": "extract", "upload": SimpleUploadedFile("坏.docx", b"PK\x03\x04broken")})
    assert r.status_code == 200 and "Word 文档" in r.content.decode()
    assert not Plan.objects.exists()
