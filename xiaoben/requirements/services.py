"""Writes: create, edit, adopt the starter set, import from a plan, remind those behind.

Every write takes the actor's `Scope` and checks it first (`predicates.py`): out of reach →
`NotPermitted()` (404), seen but not allowed → `NotPermitted("…")` (403). The private `_create`
and `_region_templates_adopt` are the bodies the checked services share."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from xiaoben.core.concurrency import save_checked
from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.scope import Scope
from xiaoben.org.models import Group, Region, School, SchoolYear

from . import predicates as can
from .models import Audience, Period, Requirement, Source
from .registry import get_metric
from .starter import starter_set

if TYPE_CHECKING:
    from .engine import ProgressGrid

EDITABLE = [
    "name",
    "description",
    "applies_to",
    "group",
    "group_kind",
    "role",
    "metric",
    "filters",
    "period",
    "threshold",
    "active",
    "order",
    "school_year",
]


def _clean(r: Requirement) -> None:
    """The rules a requirement must satisfy before it is saved (Chinese messages)."""
    errors: dict[str, str] = {}
    metric = get_metric(r.metric)
    if metric is None:
        errors["metric"] = f"未知的统计项“{r.metric}”。"
    else:
        filters = r.filters or {}
        if not isinstance(filters, dict):
            errors["filters"] = "筛选条件格式不正确。"
        else:
            for name, values in filters.items():
                spec = metric.filters.get(name)
                if spec is None:
                    errors["filters"] = f"统计项“{metric.label}”没有筛选条件“{name}”。"
                    break
                allowed = {c for c, _ in spec.choices}
                vals = values if isinstance(values, list) else [values]
                bad = [v for v in vals if allowed and v not in allowed]
                if bad:
                    errors["filters"] = f"“{spec.label}”的取值无效：{'、'.join(map(str, bad))}。"
                    break
    try:
        threshold = Decimal(r.threshold)
    except (InvalidOperation, TypeError, ValueError):
        threshold = Decimal(0)
    if threshold <= 0:
        errors["threshold"] = "数量要求必须大于0。"
    if r.period not in Period.values:
        errors["period"] = "请选择周期。"
    if r.applies_to == Audience.GROUP:
        if not r.group_id:
            errors["group"] = "适用对象为“指定小组成员”时请选择小组。"
        elif r.school_id and r.group is not None and r.group.school_id != r.school_id:
            errors["group"] = "只能选择本校的小组。"
    if r.applies_to == Audience.ROLE and not r.role:
        errors["role"] = "适用对象为“指定角色”时请填写角色。"
    if r.school_year is not None and r.school_id and r.school_year.school_id != r.school_id:
        errors["school_year"] = "只能选择本校的学年。"
    if errors:
        raise ValidationError(errors)
    dup = duplicate_of(r)
    if dup is not None:
        raise ValidationError(f"与已有要求“{dup.name}”重复（同一适用对象、统计项、筛选条件和周期），未保存。如需调整数量，请编辑原要求。")
    r.full_clean(exclude=["created_by"])


def _norm_filters(filters: dict[str, Any] | None) -> dict[str, list[Any]]:
    """Filters compared as sets of values: {"kind": "x"} and {"kind": ["x"]} are the same rule."""
    return {k: sorted(v) if isinstance(v, list) else [v] for k, v in (filters or {}).items() if v not in (None, [], "")}


def duplicate_of(r: Requirement) -> Requirement | None:
    """An active requirement of the same school (or region) counting the same thing for the
    same people over the same period — saving a second would count everyone twice."""
    if not r.active:
        return None
    lookup: dict[str, Any] = {"school_id": r.school_id, "region_id": r.region_id, "group_id": r.group_id}
    qs = Requirement.objects.filter(
        **lookup,
        active=True,
        applies_to=r.applies_to,
        group_kind=r.group_kind or "",
        role=r.role or "",
        metric=r.metric,
        period=r.period,
        school_year_id=r.school_year_id,
    )
    if r.pk:
        qs = qs.exclude(pk=r.pk)
    key = _norm_filters(r.filters)
    return next((o for o in qs if _norm_filters(o.filters) == key), None)


@transaction.atomic
def requirement_create(*, actor: Scope, school: School, **fields: Any) -> Requirement:
    """A school's own requirement, written by its admins (`requirements:manage`)."""
    require(can.can_manage_requirements(actor, school.pk))
    return _create(school=school, user_id=actor.user_id, **fields)


def _create(
    *,
    school: School,
    user_id: int | None = None,
    name: str,
    metric: str,
    period: str,
    threshold: Decimal | int | float | str,
    filters: dict[str, Any] | None = None,
    applies_to: str = Audience.ALL,
    group: Group | None = None,
    group_kind: str = "",
    role: str = "",
    school_year: SchoolYear | None = None,
    description: str = "",
    source: str = Source.MANUAL,
    starter_key: str = "",
    order: int = 50,
    active: bool = True,
) -> Requirement:
    r = Requirement(
        school=school,
        created_by_id=user_id,
        name=name.strip(),
        metric=metric,
        period=period,
        threshold=threshold,
        filters=filters or {},
        applies_to=applies_to,
        group=group,
        group_kind=group_kind,
        role=role,
        school_year=school_year,
        description=description[:300],
        source=source,
        starter_key=starter_key,
        order=order,
        active=active,
    )
    _clean(r)
    r.save()
    return r


@transaction.atomic
def requirement_update(*, actor: Scope, requirement: Requirement, expected_version: int | None, **changes: Any) -> Requirement:
    """Edit a requirement; a second editor working from an older version is refused."""
    require(can.can_manage_requirement(actor, requirement))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"不能修改：{'、'.join(sorted(unknown))}")
    for k, v in changes.items():
        setattr(requirement, k, v)
    _clean(requirement)
    _check_not_weaker_than_region(requirement)
    fields = [f"{k}_id" if k in ("group", "school_year") else k for k in changes]
    save_checked(requirement, expected_version, fields)
    return requirement


@transaction.atomic
def requirement_delete(*, actor: Scope, requirement: Requirement) -> None:
    require(can.can_manage_requirement(actor, requirement))
    template = region_template_of(requirement)
    if template is not None:
        raise NotPermitted(f"“{template.name}”是区里的统一要求，学校不能删除，只能提高数量要求。")
    requirement.delete()


def region_template_of(requirement: Requirement) -> Requirement | None:
    """The district's active template a school's requirement was copied from, if any."""
    key = requirement.starter_key or ""
    if not key.startswith("region-") or not key[7:].isdigit():
        return None
    return Requirement.objects.filter(pk=int(key[7:]), school__isnull=True, active=True).first()


def _check_not_weaker_than_region(requirement: Requirement) -> None:
    """Region-wide requirements: a school may make its copy stricter, never weaker (issue #19)."""
    t = region_template_of(requirement)
    if t is None:
        return

    weaker = (
        not requirement.active
        or requirement.metric != t.metric
        or requirement.period != t.period
        or (requirement.filters or {}) != (t.filters or {})
        or Decimal(requirement.threshold) < Decimal(t.threshold)
        or (t.applies_to == Audience.ALL and requirement.applies_to != Audience.ALL)
    )
    if weaker:
        raise ValidationError(
            f"“{t.name}”是区里的统一要求（{t.get_period_display()}不少于{t.threshold.normalize():f}）："
            "学校只能提高数量要求，不能降低、停用或改变统计口径。"
        )


@transaction.atomic
def starter_set_adopt(*, actor: Scope, school: School) -> list[Requirement]:
    """一键采用常用要求: adds the starter requirements (and the district's templates) the
    school does not have yet (by key), so adopting twice changes nothing and edits are kept."""
    require(can.can_manage_requirements(actor, school.pk))
    user_id = actor.user_id
    have = set(Requirement.objects.filter(school=school).exclude(starter_key="").values_list("starter_key", flat=True))
    created = []
    for i, spec in enumerate(starter_set()):
        if spec["starter_key"] in have:
            continue
        probe = Requirement(school=school, **{k: v for k, v in spec.items() if k in _TWIN_FIELDS})
        if duplicate_of(probe) is not None:  # the school already counts this (its own, a district's)
            continue
        created.append(_create(school=school, user_id=user_id, source=Source.STARTER, order=10 + i, **spec))
    return created + _region_templates_adopt(school=school, user_id=user_id)


_TWIN_FIELDS = ("metric", "filters", "period", "applies_to", "group_kind", "role")


@transaction.atomic
def region_templates_adopt(*, actor: Scope, school: School) -> list[Requirement]:
    """A district's templates (requirements with `region` set, on the school's region or
    any region above it) copied into the school, once each; the copy is the school's to edit.
    The school's admins, or a 教研员 who sets the rules of the school's district."""
    require(can.can_adopt_region_templates(actor, school))
    return _region_templates_adopt(school=school, user_id=actor.user_id)


def _region_templates_adopt(*, school: School, user_id: int | None = None) -> list[Requirement]:
    region_ids: list[int] = []
    region: Region | None = school.region
    while region is not None:
        region_ids.append(region.pk)
        region = region.parent
    have = set(Requirement.objects.filter(school=school).exclude(starter_key="").values_list("starter_key", flat=True))
    created = []
    for t in Requirement.objects.filter(region_id__in=region_ids, school__isnull=True, active=True).order_by("order", "id"):
        key = f"region-{t.pk}"
        if key in have:
            continue
        spec = {
            "name": t.name,
            "description": t.description,
            "metric": t.metric,
            "filters": t.filters,
            "period": t.period,
            "threshold": t.threshold,
            "applies_to": t.applies_to if t.applies_to != Audience.GROUP else Audience.ALL,
            "group_kind": t.group_kind,
            "role": t.role,
        }
        twin = duplicate_of(Requirement(school=school, **{k: spec[k] for k in _TWIN_FIELDS}))
        if twin is not None:
            _adopt_twin(twin, t, key)
            continue
        created.append(_create(school=school, user_id=user_id, source=Source.STARTER, starter_key=key, order=t.order, **spec))
    return created


def _adopt_twin(twin: Requirement, template: Requirement, key: str) -> None:
    """The school already counts the same thing for the same people over the same period
    (its own 每学期听课不少于20节 beside the district's 15): one requirement, never two that
    count everyone twice. The school's own becomes its copy of the district's — kept as it
    is when at least as strict (a school may ask more), raised to the district's bar when
    weaker (never less) — and from then on is held to the district's bar when edited."""
    if template_of_key(twin.starter_key) is not None:
        return  # already a copy of another district requirement on the same thing
    twin.starter_key = key
    fields = ["starter_key", "version"]
    if Decimal(twin.threshold) < Decimal(template.threshold):
        twin.threshold, twin.name, twin.description = template.threshold, template.name, template.description
        fields += ["threshold", "name", "description"]
    twin.version += 1
    twin.save(update_fields=fields)


def template_of_key(key: str) -> int | None:
    return int(key[7:]) if key and key.startswith("region-") and key[7:].isdigit() else None


# --- the district's requirements (区域统一要求) ---------------------------------------


def _schools_under(region_id: int) -> list[School]:
    """Every school whose region is `region_id` or lies below it."""
    parents = dict(Region.objects.values_list("id", "parent_id"))

    def under(rid: int | None) -> bool:
        seen: set[int] = set()
        while rid is not None and rid not in seen:
            if rid == region_id:
                return True
            seen.add(rid)
            rid = parents.get(rid)
        return False

    return [s for s in School.objects.select_related("region").order_by("pk") if under(s.region_id)]


@transaction.atomic
def region_requirement_save(
    *, actor: Scope, region: Region, requirement: Requirement | None = None, expected_version: int | None = None, **fields: Any
) -> Requirement:
    """A district sets a requirement for all its schools: saved as the region's template and
    copied into every school below the region at once. A change of the bar moves each
    school's copy that stood at the old bar; a school that made its copy stricter keeps its
    number unless the new bar is higher still."""
    require(can.can_set_region_requirements(actor, region.pk))
    unknown = set(fields) - {"name", "description", "applies_to", "group_kind", "metric", "filters", "period", "threshold", "order"}
    if unknown:
        raise ValidationError(f"不能修改：{'、'.join(sorted(unknown))}")
    if fields.get("applies_to") in (Audience.GROUP, Audience.ROLE):
        raise ValidationError({"applies_to": "区域统一要求适用于全体教师、新教师、组长或按小组类型，不能指定某校的小组或角色。"})
    if requirement is None:
        t, old_bar = Requirement(region=region, school=None, source=Source.MANUAL, **fields), None
        _clean(t)
        t.save()
    else:
        require(requirement.region_id == region.pk and requirement.school_id is None)
        t, old_bar = requirement, Decimal(requirement.threshold)
        for k, v in fields.items():
            setattr(t, k, v)
        _clean(t)
        save_checked(t, expected_version, list(fields))
    for school in _schools_under(region.pk):
        copy = Requirement.objects.filter(school=school, starter_key=f"region-{t.pk}").first()
        if copy is None:
            _region_templates_adopt(school=school, user_id=actor.user_id)
            continue
        copy.name, copy.description, copy.metric, copy.period = t.name, t.description, t.metric, t.period
        copy.filters, copy.group_kind, copy.active = t.filters or {}, t.group_kind, True
        copy.applies_to = t.applies_to
        stricter = Decimal(copy.threshold) != old_bar
        copy.threshold = max(Decimal(copy.threshold), Decimal(t.threshold)) if stricter else t.threshold
        copy.version += 1
        copy.save()
    return t


@transaction.atomic
def region_requirement_retire(*, actor: Scope, requirement: Requirement, expected_version: int | None) -> Requirement:
    """停用: the district no longer asks it. Schools keep their copies as their own rules
    (each may then change or delete its copy)."""
    require(requirement.school_id is None and can.can_set_region_requirements(actor, requirement.region_id))
    requirement.active = False
    save_checked(requirement, expected_version, ["active"])
    return requirement


def region_adoption(template_ids: list[int]) -> dict[int, int]:
    """How many schools carry each district template."""
    from django.db.models import Count

    keys = {f"region-{pk}": pk for pk in template_ids}
    rows = Requirement.objects.filter(starter_key__in=keys, active=True).values("starter_key").annotate(n=Count("id"))
    return {keys[r["starter_key"]]: r["n"] for r in rows}


def requirement_duplicate_of(
    *,
    school: School,
    metric: str,
    period: str,
    threshold: Decimal | int | float | str,
    filters: dict[str, Any] | None = None,
    applies_to: str = Audience.ALL,
    group_kind: str = "",
    group_id: int | None = None,
) -> Requirement | None:
    """The school's active requirement identical to this one (same metric, filters,
    period, threshold and audience), if any: an import reports it instead of adding it twice."""
    try:
        value = Decimal(str(threshold))
    except (InvalidOperation, TypeError, ValueError):
        return None
    want = _norm_filters(filters)
    candidates = Requirement.objects.filter(
        school=school, active=True, metric=metric, period=period, threshold=value, applies_to=applies_to
    )
    for r in candidates:
        if _norm_filters(r.filters) == want and (r.group_kind or "") == (group_kind or "") and r.group_id == group_id:
            return r
    return None


@transaction.atomic
def requirements_import(*, actor: Scope, school: School, proposals: list[dict[str, Any]]) -> list[Requirement]:
    """Save the proposals an admin confirmed from a plan; all or nothing."""
    require(can.can_manage_requirements(actor, school.pk))
    out = []
    for i, p in enumerate(proposals):
        try:
            out.append(
                _create(
                    school=school,
                    user_id=actor.user_id,
                    source=Source.IMPORT,
                    name=p["name"],
                    metric=p["metric"],
                    period=p["period"],
                    threshold=p["threshold"],
                    filters=p.get("filters") or {},
                    applies_to=p.get("applies_to") or Audience.ALL,
                    group_kind=p.get("group_kind", ""),
                    description=p.get("description", ""),
                    order=100 + i,
                )
            )
        except ValidationError as e:
            raise ValidationError(f"第{i + 1}条“{p.get('name', '')}”：{'；'.join(e.messages)}") from None
    return out


def remind_behind(
    *,
    actor: Scope,
    grid: ProgressGrid,
    teacher_ids: set[int] | None = None,
    requirement_ids: set[int] | None = None,
    url: str = "",
) -> int:
    """提醒落后者: one notice per person behind on the chosen requirement(s) (all when none
    chosen), among the chosen people (the row, column or group being looked at), saying what
    can still be done — 本周还需教学反思1篇；本学期还需听课8节 — never what is already lost.
    Someone behind only on weeks that are over is not told. Returns how many were told.
    The school's admins remind anyone in the school, a leader the members of their groups
    (others chosen are passed over); whoever may not see the grid is refused."""
    require(can.may_see_grid(actor, grid.school.pk))
    from django.urls import reverse

    from xiaoben.core.notifications import notify

    users = {t.pk: t.user_id for t in grid.teachers}
    sent = 0
    with transaction.atomic():
        for tid, items in sorted(grid.behind().items()):
            if (teacher_ids is not None and tid not in teacher_ids) or not can.may_remind(actor, grid.school.pk, tid):
                continue
            todo = [p.still_to_do() for p in items if requirement_ids is None or p.requirement.pk in requirement_ids]
            todo = [t for t in todo if t]
            if not todo:
                continue
            notify(
                "requirements.reminder",
                recipients=[users[tid]],
                context={"items": "；".join(todo)},
                url=url or reverse("requirements:mine"),
            )
            sent += 1
    return sent
