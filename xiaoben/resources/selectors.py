"""Reads of the resource library. Every queryset starts from the door."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from xiaoben.activities.models import LessonPrep
from xiaoben.core.models import User
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Group, School, Teacher

from .models import CatalogueEntry, Favourite, PrepLink, Resource, ResourceFile, ShareState, ShowcaseEntry, ShowcaseRound, ShowcaseScore


def public_resources() -> QuerySet[Resource]:
    """公开 resources an approved school showcase offers to anyone, signed in or not."""
    qs: QuerySet[Resource] = Resource.objects.filter(visibility="public", share_state=ShareState.APPROVED)
    return qs


def resources_for(scope: Scope) -> QuerySet[Resource]:
    if not scope.is_authenticated:
        return public_resources()
    return visible_to(scope, Resource)


@dataclass
class ResourceFilters:
    q: str = ""
    kind: str = ""
    subject: str = ""
    grade: int | None = None
    edition: str = ""
    catalogue_id: int | None = None
    school_id: int | None = None
    tab: str = "all"  # all, mine, school, region, favourites, pending


def resource_list(scope: Scope, f: ResourceFilters) -> QuerySet[Resource]:
    qs = resources_for(scope).select_related("school", "author", "catalogue")
    if f.tab == "mine" and scope.is_authenticated:
        qs = qs.filter(Q(uploaded_by_id=scope.user_id) | Q(author_id=scope.teacher_id or 0))
    elif f.tab == "school" and scope.school_id:
        qs = qs.filter(school_id=scope.school_id)
    elif f.tab == "region":
        qs = qs.filter(visibility__in=["region", "public"], share_state=ShareState.APPROVED)
    elif f.tab == "favourites":
        qs = qs.filter(favourites__user_id=scope.user_id or 0)
    elif f.tab == "pending":
        qs = qs.filter(school_id__in=scope.admin_school_ids, share_state=ShareState.PENDING)
    for field in ("kind", "subject", "edition"):
        if getattr(f, field):
            qs = qs.filter(**{field: getattr(f, field)})
    if f.grade:
        qs = qs.filter(grade=f.grade)
    if f.catalogue_id:
        qs = qs.filter(catalogue_id=f.catalogue_id)
    if f.school_id:
        qs = qs.filter(school_id=f.school_id)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(keywords__icontains=f.q) | Q(unit__icontains=f.q))
    if scope.user_id is not None:
        qs = qs.annotate(is_favourite=Exists(Favourite.objects.filter(resource_id=OuterRef("pk"), user_id=scope.user_id)))
    return qs.annotate(file_count=Count("files", filter=Q(files__is_current=True))).order_by("-created_at", "-id")


def current_files(resource: Resource) -> list[ResourceFile]:
    return [f for f in resource.files.all() if f.is_current]


def file_versions(resource: Resource) -> dict[str, list[ResourceFile]]:
    """Earlier versions by file name (the current one first)."""
    out: dict[str, list[ResourceFile]] = {}
    for f in sorted(resource.files.all(), key=lambda x: (x.name, -x.version)):
        out.setdefault(f.name, []).append(f)
    return {k: v for k, v in out.items() if len(v) > 1}


@dataclass
class Origin:
    label: str
    url: str | None  # None: there is a record the viewer may not open
    stats: dict[str, Any]  # the record's figures when published (JSON)


def origin_for(scope: Scope, r: Resource) -> Origin | None:
    """The record a resource was published from, asked about again through the door."""
    if not r.origin_type_id:
        return None
    model = ContentType.objects.get_for_id(r.origin_type_id).model_class()
    obj = None
    if model is not None and scope.is_authenticated:
        obj = visible_to(scope, model).filter(pk=r.origin_id).first()
    url = obj.get_absolute_url() if obj is not None and hasattr(obj, "get_absolute_url") else None
    if obj is not None and url is None:
        from .services_publish import url_for_record

        url = url_for_record(obj)
    return Origin(label=r.origin_label, url=url, stats=r.origin_stats or {})


def catalogue_for(scope: Scope, *, subject: str = "", edition: str = "", grade: int | None = None) -> QuerySet[CatalogueEntry]:
    qs = visible_to(scope, CatalogueEntry) if scope.is_authenticated else CatalogueEntry.objects.filter(school=None, region=None)
    if subject:
        qs = qs.filter(subject=subject)
    if edition:
        qs = qs.filter(edition=edition)
    if grade:
        qs = qs.filter(grade=grade)
    return qs


def prep_links_for(scope: Scope, r: Resource) -> QuerySet[PrepLink]:
    return visible_to(scope, PrepLink).filter(resource=r).select_related("prep", "linked_by")


def my_draft_preps(scope: Scope) -> QuerySet[LessonPrep]:
    """集体备课 the person may link a resource to: those of their school they lead or belong to."""
    if not scope.teacher:
        return LessonPrep.objects.none()
    return visible_to(scope, LessonPrep).filter(school_id=scope.teacher.school_id).order_by("-created_at")[:30]


def pending_share_count(scope: Scope) -> int:
    if not scope.admin_school_ids:
        return 0
    n: int = Resource.objects.filter(school_id__in=scope.admin_school_ids, share_state=ShareState.PENDING).count()
    return n


# ---- 晒课 ------------------------------------------------------------------------


def rounds_for(scope: Scope) -> QuerySet[ShowcaseRound]:
    return visible_to(scope, ShowcaseRound).select_related("region").annotate(entry_count=Count("entries", distinct=True))


def entries_for(scope: Scope, rnd: ShowcaseRound) -> QuerySet[ShowcaseEntry]:
    return visible_to(scope, ShowcaseEntry).filter(round=rnd).select_related("school", "teacher", "resource")


def my_scores(scope: Scope, rnd: ShowcaseRound) -> dict[int, ShowcaseScore]:
    return {s.entry_id: s for s in ShowcaseScore.objects.filter(entry__round=rnd, expert_id=scope.user_id)}


# —— what the pages and routes offer to choose from ——


def showcase_school(school_id: int) -> School | None:
    """The school whose 公开 showcase is asked for (anyone may open it)."""
    return School.objects.filter(pk=school_id).first()


def school_groups(school_id: int | None) -> QuerySet[Group]:
    """The school's active groups (a resource shared with one group)."""
    if school_id is None:
        return Group.objects.none()
    return Group.objects.filter(school_id=school_id, is_active=True).order_by("kind", "name")


def resource_group(resource: Resource, group_id: int | None) -> Group | None:
    """A group named for sharing `resource`: only one of the resource's school."""
    if not group_id:
        return None
    return Group.objects.filter(pk=group_id, school_id=resource.school_id).first()


def reloaded(resource: Resource) -> Resource:
    """A resource already through the door, read again after a write (its school and author joined)."""
    fresh: Resource = Resource.objects.select_related("school", "author").get(pk=resource.pk)
    return fresh


def catalogue_entry(entry_id: int | None) -> CatalogueEntry | None:
    """A textbook catalogue entry (the catalogue is shared reference data)."""
    return CatalogueEntry.objects.filter(pk=entry_id).first() if entry_id else None


def file_for(scope: Scope, pk: int) -> ResourceFile | None:
    """A file of a resource the person may open (None otherwise)."""
    return ResourceFile.objects.select_related("resource").filter(pk=pk, resource__in=resources_for(scope)).first()


def search_schools(scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of the schools the search may be narrowed to: those the person reads."""
    if not (scope.is_authenticated and (scope.region_school_ids or scope.teacher)):
        return []
    ids = set(scope.readable_school_ids)
    if scope.teacher:
        ids |= {scope.teacher.school_id}
    return list(School.objects.filter(pk__in=ids).order_by("id").values_list("id", "name"))


def showcase_experts(scope: Scope) -> QuerySet[User]:
    """Who may judge a 晒课 round of the region: its 教研员 and region admins, and the senior
    (高级/正高级) teachers of its schools."""
    return (
        User.objects.filter(
            Q(role_assignments__role__in=["researcher", "region_admin"], role_assignments__region_id__in=scope.region_ids)
            | Q(teacher__school_id__in=scope.region_school_ids, teacher__title__in=["gaoji", "zhenggao"])
        )
        .distinct()
        .order_by("full_name")
    )


def nominee_teachers(school_id: int) -> QuerySet[Teacher]:
    """The school's active teachers (who gave a nominated lesson)."""
    return Teacher.objects.filter(school_id=school_id, is_active=True).order_by("name_initials")
