"""资源库 API: list/detail/create/share resources, upload files, search, 晒课 rounds and scores.
Everything through the door; writes through the services (which check the actor)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user

from . import search as search_service
from . import selectors, services, services_showcase
from .models import Resource, ShowcaseEntry, ShowcaseRound

router = Router(tags=["资源库"])  # /api/v1/resources/
search_router = Router(tags=["资源库"])  # /api/v1/search/
showcase_router = Router(tags=["资源库"])  # /api/v1/showcase/


class FileOut(Schema):
    id: int
    name: str
    kind: str
    role: str
    size: int
    version: int
    url: str

    @staticmethod
    def resolve_url(f) -> str:
        return reverse("resources:file", args=[f.pk])


class ResourceListOut(Schema):
    id: int
    school_id: int
    school_name: str
    kind: str
    kind_display: str
    title: str
    subject: str
    grade: int | None
    edition: str
    volume: int | None
    unit: str
    catalogue_id: int | None
    keywords: str
    visibility: str
    share_state: str
    author_name: str
    download_count: int
    created_at: dt.datetime

    @staticmethod
    def resolve_school_name(r: Resource) -> str:
        return r.school.name

    @staticmethod
    def resolve_kind_display(r: Resource) -> str:
        return r.get_kind_display()

    @staticmethod
    def resolve_author_name(r: Resource) -> str:
        return r.author.name if r.author else ""


class ResourceOut(ResourceListOut):
    description: str
    files: list[FileOut]
    origin_label: str | None = None
    origin_url: str | None = None
    origin_stats: dict = {}

    @staticmethod
    def resolve_files(r: Resource) -> list:
        return list(selectors.current_files(r))

    @staticmethod
    def resolve_origin_label(r: Resource, context) -> str | None:
        origin = _origin(r, context)
        return origin.label if origin else None

    @staticmethod
    def resolve_origin_url(r: Resource, context) -> str | None:
        origin = _origin(r, context)
        return origin.url if origin else None

    @staticmethod
    def resolve_origin_stats(r: Resource, context) -> dict:
        origin = _origin(r, context)
        return origin.stats if origin and origin.url else {}


def _origin(r: Resource, context):
    """The record a published resource came from, asked through the door for this caller (once)."""
    if not hasattr(r, "_origin_out"):
        r._origin_out = selectors.origin_for(scope_for(context["request"].user), r)
    return r._origin_out


class ResourceIn(Schema):
    kind: str
    title: str
    description: str = ""
    subject: str = ""
    grade: int | None = None
    edition: str = ""
    volume: int | None = None
    catalogue_id: int | None = None
    unit: str = ""
    keywords: str = ""
    visibility: str = "school"


class ShareIn(Schema):
    visibility: str
    group_id: int | None = None


@router.get("/", response=list[ResourceListOut])
@paginate(PageNumberPagination, page_size=50)
def resources(
    request,
    tab: str = "all",
    kind: str = "",
    subject: str = "",
    grade: int | None = None,
    edition: str = "",
    unit_id: int | None = None,
    q: str = "",
):
    f = selectors.ResourceFilters(q=q, kind=kind, subject=subject, grade=grade, edition=edition, catalogue_id=unit_id, tab=tab)
    return selectors.resource_list(scope_for(request.user), f)


@router.get("/{resource_id}", response=ResourceOut)
def resource(request, resource_id: int):
    r = get_object_for_user(
        request.user, Resource, queryset=Resource.objects.select_related("school", "author").prefetch_related("files"), pk=resource_id
    )
    return r


@router.post("/", response={201: ResourceOut})
def resource_create(request, payload: ResourceIn):
    data = payload.dict()
    cat_id = data.pop("catalogue_id")
    visibility = data.pop("visibility")
    data["catalogue"] = selectors.catalogue_entry(cat_id)
    r = services.resource_create(actor=scope_for(request.user), user=request.user, visibility=visibility, **data)
    return 201, selectors.reloaded(r)


@router.post("/{resource_id}/files", response={201: FileOut})
def resource_file_upload(request, resource_id: int, file: File[UploadedFile], role: Form[str] = "other"):
    r = get_object_for_user(request.user, Resource, pk=resource_id)
    f = services.resource_file_add(actor=scope_for(request.user), resource=r, upload=file, role=role, user=request.user)
    return 201, f


@router.post("/{resource_id}/share", response=ResourceOut)
def resource_share(request, resource_id: int, payload: ShareIn):
    r = get_object_for_user(request.user, Resource, pk=resource_id)
    group = selectors.resource_group(r, payload.group_id)
    services.resource_set_visibility(actor=scope_for(request.user), resource=r, visibility=payload.visibility, group=group)
    return selectors.reloaded(r)


@router.post("/{resource_id}/share/decide", response=ResourceOut)
def resource_share_decide(request, resource_id: int, approve: bool):
    r = get_object_for_user(request.user, Resource, pk=resource_id)
    services.resource_share_decide(actor=scope_for(request.user), resource=r, approve=approve)
    return selectors.reloaded(r)


@router.post("/{resource_id}/favourite")
def resource_favourite(request, resource_id: int):
    r = get_object_for_user(request.user, Resource, pk=resource_id)
    return {"favourite": services.favourite_toggle(actor=scope_for(request.user), resource=r)}


class SearchHit(Schema):
    category: str
    kind_label: str
    title: str
    title_html: str
    snippet_html: str
    url: str
    school_name: str
    author_name: str
    day: dt.date | None


class SearchOut(Schema):
    total: int  # counted up to 1000 per category: with `more`, a floor
    more: bool = False
    terms: list[str]
    results: list[SearchHit]


@search_router.get("/", response=SearchOut)
def search(
    request,
    q: str,
    category: str = "",
    kind: str = "",
    subject: str = "",
    grade: int | None = None,
    edition: str = "",
    school_id: int | None = None,
    page: int = 1,
):
    f = search_service.Filters(category=category, kind=kind, subject=subject, grade=grade, edition=edition, school_id=school_id)
    p = search_service.search(scope_for(request.user), q, f, offset=(max(page, 1) - 1) * 20, limit=20)
    return {
        "total": p.total,
        "more": p.more,
        "terms": p.query.terms,
        "results": [
            {
                "category": x.entry.category,
                "kind_label": x.entry.kind_label,
                "title": x.entry.title,
                "title_html": str(x.title_html),
                "snippet_html": str(x.snippet_html),
                "url": x.entry.url,
                "school_name": x.entry.school.name if x.entry.school else "",
                "author_name": x.entry.author_name,
                "day": x.entry.day,
            }
            for x in p.results
        ],
    }


class RoundOut(Schema):
    id: int
    title: str
    subject: str
    grades: list[int]
    opens_on: dt.date
    closes_on: dt.date
    status: str
    rubric: list[dict]
    levels: list[dict]


class EntryOut(Schema):
    id: int
    school_name: str
    teacher_name: str
    resource_id: int
    title: str
    average: float | None
    rank: int | None
    level: str


class ScoreIn(Schema):
    items: list[float]
    comment: str = ""


@showcase_router.get("/", response=list[RoundOut])
def rounds(request):
    return list(selectors.rounds_for(scope_for(request.user)).order_by("-opens_on"))


@showcase_router.get("/{round_id}/entries", response=list[EntryOut])
def round_entries(request, round_id: int):
    scope = scope_for(request.user)
    rnd = get_object_for_user(scope, ShowcaseRound, pk=round_id)
    published = rnd.status == "published"
    return [
        {
            "id": e.pk,
            "school_name": e.school.name,
            "teacher_name": e.teacher.name,
            "resource_id": e.resource_id,
            "title": e.resource.title,
            "average": float(e.average) if published and e.average is not None else None,
            "rank": e.rank if published else None,
            "level": e.level if published else "",
        }
        for e in selectors.entries_for(scope, rnd)
    ]


@showcase_router.post("/entries/{entry_id}/score", response={201: dict})
def entry_score(request, entry_id: int, payload: ScoreIn):
    entry = get_object_for_user(request.user, ShowcaseEntry, queryset=ShowcaseEntry.objects.select_related("round"), pk=entry_id)
    s = services_showcase.showcase_score(actor=scope_for(request.user), entry=entry, items=payload.items, comment=payload.comment)
    return 201, {"id": s.pk, "total": float(s.total)}
