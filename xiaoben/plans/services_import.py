"""Plan import, whole: a .docx or pasted text becomes a plan — its sections split by
headings, its 月度安排 items, and the quotas it states proposed as requirements —
shown for the admin to confirm, edit or drop before anything is saved.

`plan_import_preview` reads (nothing saved); `plan_import_save` writes all of it in one
transaction (nothing half-saved). A requirement identical to one the school already
has is reported back, not added twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from xiaoben.core.errors import require
from xiaoben.core.scope import Scope
from xiaoben.org.models import Group, School, SchoolYear, Teacher, Term
from xiaoben.requirements import plan_import
from xiaoben.requirements.models import Requirement, Source

from . import predicates as can
from .models import ItemKind, ItemOwner, Plan, PlanItem, PlanLevel, PlanSection, SectionKey
from .parsing import ParsedItem, ParsedSection, extract_items, split_sections
from .services import plan_create, text_to_html

TEXT_MAX = 200_000


@dataclass
class ImportPreview:
    sections: list[ParsedSection]
    items: list[ParsedItem]
    proposals: list[plan_import.Proposal]
    duplicates: dict[int, Requirement] = field(default_factory=dict)  # proposal index → the school's own

    @property
    def empty(self) -> bool:
        return not (self.sections or self.items or self.proposals)


def plan_import_preview(*, actor: Scope, school: School, text: str) -> ImportPreview:
    """What the document holds, for the admin to confirm (reads only)."""
    require(
        can.can_manage_school_plans(actor, school.pk) or bool(actor.led_group_ids and actor.school_id == school.pk),
        "只有学校管理员或教研组长可以导入计划。",
    )
    text = (text or "").strip()
    if not text:
        raise ValidationError("请粘贴计划文本或上传计划文件。")
    if len(text) > TEXT_MAX:
        raise ValidationError(f"计划太长了：{len(text)} 字，最多 {TEXT_MAX} 字。")
    from xiaoben.requirements.services import requirement_duplicate_of

    proposals = plan_import.extract(text)
    dups = {}
    for i, p in enumerate(proposals):
        d = requirement_duplicate_of(
            school=school,
            metric=p.metric,
            period=p.period,
            threshold=p.threshold,
            filters=p.filters,
            applies_to=p.applies_to,
            group_kind=p.group_kind,
        )
        if d is not None:
            dups[i] = d
    return ImportPreview(sections=split_sections(text), items=extract_items(text), proposals=proposals, duplicates=dups)


def _match_group(school: School, subject: str, groups: list[Group]) -> Group | None:
    if not subject:
        return None
    return next((g for g in groups if g.kind == "subject" and (g.subject == subject or g.name.startswith(subject))), None)


def _match_person(school: School, name: str) -> Teacher | None:
    """杨校长 / 李老师: a colleague whose surname and role fit, when exactly one does."""
    if not name or len(name) > 6:
        return None
    surname = name[0]
    qs = Teacher.objects.filter(school=school, is_active=True, name__startswith=surname)
    if "校长" in name:
        qs = qs.filter(user__role_assignments__role="principal")
    found = list(qs[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def plan_import_save(
    *,
    actor: Scope,
    school: School,
    level: str = PlanLevel.SCHOOL,
    group: Group | None = None,
    span: str = "term",
    term: Term | None = None,
    school_year: SchoolYear | None = None,
    title: str = "",
    sections: list[dict[str, Any]],
    items: list[dict[str, Any]],
    proposals: list[dict[str, Any]],
) -> tuple[Plan, list[Requirement], list[tuple[dict[str, Any], Requirement]]]:
    """Save what the admin kept: the plan with its sections and items, and the
    requirements (identical ones already in force are reported, not added)."""
    if level not in (PlanLevel.SCHOOL, PlanLevel.GROUP):
        raise ValidationError("只能导入学校或教研组计划。")
    plan = plan_create(
        actor=actor, level=level, school=school, group=group, span=span, term=term, school_year=school_year, title=title, start_from="blank"
    )
    PlanSection.objects.bulk_create(
        [
            PlanSection(
                plan=plan,
                key=str(s["key"]) if s.get("key") in SectionKey.values else SectionKey.OTHER,
                title=(s.get("title") or "（无标题）").strip()[:100],
                body=text_to_html(s.get("body") or "")[:100_000],
                order=i,
            )
            for i, s in enumerate(sections)
        ]
    )
    groups = list(Group.objects.filter(school=school, is_active=True))
    rows = []
    for i, it in enumerate(items):
        title_text = (it.get("title") or "").strip()[:200]
        if not title_text:
            continue
        kind = str(it["kind"]) if it.get("kind") in ItemKind.values else ItemKind.OTHER
        owner = str(it["owner"]) if it.get("owner") in ItemOwner.values else ItemOwner.SCHOOL
        grp = group if level == PlanLevel.GROUP else _match_group(school, it.get("subject") or "", groups)
        if owner == ItemOwner.GROUP and grp is None:
            owner = ItemOwner.GROUPS
        person = _match_person(school, it.get("owner_name") or "") if owner == ItemOwner.PERSON else None
        month = it.get("month")
        row = PlanItem(
            plan=plan,
            month=int(month) if month not in (None, "") else None,
            week=it.get("week") or None,
            week_end=it.get("week_end") or None,
            title=title_text,
            kind=kind,
            lesson_kind=(it.get("lesson_kind") or "")[:20],
            topic=(it.get("topic") or "")[:200],
            owner=owner,
            group=grp if owner == ItemOwner.GROUP or level == PlanLevel.GROUP else None,
            person=person,
            owner_name=(it.get("owner_name") or "")[:40],
            weekday=it.get("weekday") if it.get("weekday") not in ("", None) else None,
            period=it.get("period") or None,
            order=i + 1,
        )
        if row.month is not None and not 1 <= row.month <= 12:
            raise ValidationError(f"第{i + 1}项“{title_text}”的月份无效。")
        rows.append(row)
    PlanItem.objects.bulk_create(rows)
    created, duplicates = [], []
    if proposals:
        require(actor.can("requirements:manage", school_id=school.pk), "只有学校管理员可以保存量化要求。")
        from xiaoben.requirements.services import requirement_create, requirement_duplicate_of

        for i, p in enumerate(proposals):
            dup = requirement_duplicate_of(
                school=school,
                metric=p["metric"],
                period=p["period"],
                threshold=p["threshold"],
                filters=p.get("filters") or {},
                applies_to=p.get("applies_to") or "all",
                group_kind=p.get("group_kind", ""),
            )
            if dup is not None:
                duplicates.append((p, dup))
                continue
            try:
                created.append(
                    requirement_create(
                        actor=actor,
                        school=school,
                        source=Source.IMPORT,
                        name=p["name"],
                        metric=p["metric"],
                        period=p["period"],
                        threshold=p["threshold"],
                        filters=p.get("filters") or {},
                        applies_to=p.get("applies_to") or "all",
                        group_kind=p.get("group_kind", ""),
                        description=p.get("description", ""),
                        order=100 + i,
                    )
                )
            except ValidationError as e:
                raise ValidationError(f"第{i + 1}条要求“{p.get('name', '')}”：{'；'.join(e.messages)}") from None
    return plan, created, duplicates
