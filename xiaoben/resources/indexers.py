"""What each app contributes to search. The records of activities, observations and
writings are indexed here so those apps need no change; a new app (plans …) registers its
own indexer in `<app>/search_index.py` (see search.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.urls import reverse

from xiaoben.activities.models import Activity, ActivityMinutes, Attendance
from xiaoben.observations.models import Observation
from xiaoben.org.choices import GRADE_NAMES
from xiaoben.org.models import School
from xiaoben.writings.models import Writing

from .models import Resource, ResourceFile, ShareState, Visibility
from .search import Access, Document, Indexer, refill_access, register_indexer, schedule

# ---- who reads what, for the common cases (search.Access; each mirrors the model's scope rule) --


def resource_access(visibility: str, share_state: str, uploaded_by_id: int | None, coauthor_ids=()) -> Access:
    """resources/scopes.py: 公开 (approved) everyone; 区域共享 (approved) the district, the
    school's alliances and the district's 教研员; the rest is the rule's (co-authors, uploader)."""
    approved = share_state == ShareState.APPROVED
    region = approved and visibility == Visibility.REGION
    return Access(
        public=approved and visibility == Visibility.PUBLIC,
        district=region,
        alliance=region,
        region_staff=region,
        people=tuple(coauthor_ids),
        users=(uploaded_by_id,) if uploaded_by_id else (),
    )


def writing_access(visibility: str, status: str) -> Access:
    """writings/scopes.py: a submitted 区域共享 writing reaches the district's teachers and 教研员."""
    region = visibility == "region" and status != "draft"
    return Access(district=region, region_staff=region)


def activity_access(school_id: int | None) -> Access:
    """activities/scopes.py: a school's activities are read by the 教研员 of its region; sign-ins
    of teachers of other schools are looked up at search time (`linked_ids`)."""
    return Access(region_staff=school_id is not None, by_id=True)


def observation_access(observer_id: int | None) -> Access:
    """observations/scopes.py: the observer (perhaps of another school) is asked of the rule."""
    return Access(people=(observer_id,) if observer_id else ())


def _resource_doc(r: Resource) -> Document | None:
    if r.deleted_at:
        return None
    file_text = " ".join(f.preview_text[:5000] for f in r.files.all() if f.is_current and f.preview_text)
    return Document(
        title=r.title,
        body=f"{r.description}\n{file_text}",
        tags=r.tag_text,
        school_id=r.school_id,
        kind=r.kind,
        kind_label=r.get_kind_display(),
        subject=r.subject,
        grade=r.grade,
        edition=r.edition,
        author_id=r.author_id,
        author_name=r.author.name if r.author else "",
        day=r.created_at.date() if r.created_at else None,
        url=reverse("resources:detail", args=[r.pk]),
        access=resource_access(r.visibility, r.share_state, r.uploaded_by_id, [t.pk for t in r.coauthors.all()]),
    )


register_indexer(
    Indexer(
        model=Resource,
        category="resource",
        label="资源",
        document=_resource_doc,
        queryset=lambda: Resource.objects.select_related("author").prefetch_related("files", "coauthors"),
        watch=[(ResourceFile, lambda f: f.resource)],
    )
)


def _coauthors_changed(sender, instance, action, reverse, pk_set, **kw):
    """Co-authors read the resource: a change re-indexes it (m2m changes do not save the resource)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    for pk in (pk_set or ()) if reverse else (instance.pk,):
        schedule(Resource, pk)


m2m_changed.connect(_coauthors_changed, sender=Resource.coauthors.through, dispatch_uid="search-resource-coauthors")


def _writing_doc(w: Writing) -> Document | None:
    if w.deleted_at:
        return None
    return Document(
        title=w.title,
        body=w.body,
        tags=w.kind_label if hasattr(w, "kind_label") else w.get_kind_display(),
        school_id=w.school_id,
        kind=w.kind,
        kind_label=w.get_kind_display(),
        author_id=w.author_id,
        author_name=w.author.name,
        day=w.written_on,
        url=reverse("writings:detail", args=[w.pk]),
        access=writing_access(w.visibility, w.status),
    )


register_indexer(
    Indexer(
        model=Writing,
        category="writing",
        label="研修文章",
        document=_writing_doc,
        queryset=lambda: Writing.objects.select_related("author"),
    )
)


def _activity_doc(a: Activity) -> Document | None:
    minutes = getattr(a, "minutes", None) if hasattr(a, "minutes") else None
    kind_label = a.get_kind_display() + (f"·{a.get_lesson_kind_display()}" if a.lesson_kind else "")
    return Document(
        title=a.title,
        body=f"{a.description}\n{minutes.body if minutes else ''}",
        tags=f"{kind_label} {a.group.name if a.group else ''} {a.group.subject if a.group else ''}",
        school_id=a.school_id,
        kind=a.kind,
        kind_label=kind_label,
        subject=a.group.subject if a.group else "",
        author_id=a.host_id,
        author_name=a.host.name if a.host else "",
        day=a.starts_at.date() if a.starts_at else None,
        url=reverse("activities:detail", args=[a.pk]),
        access=activity_access(a.school_id),
    )


def _signed_up_elsewhere(scope) -> list[int]:
    """Activities of other schools the teacher is on the list of (rows without a school are asked anyway)."""
    if not scope.teacher_id:
        return []
    rows = Attendance.objects.filter(teacher_id=scope.teacher_id, activity__school_id__isnull=False)
    return list(rows.exclude(activity__school_id=scope.teacher.school_id).values_list("activity_id", flat=True))


def _minutes_activity(m: ActivityMinutes):
    return m.activity


register_indexer(
    Indexer(
        model=Activity,
        category="activity",
        label="研修活动",
        document=_activity_doc,
        queryset=lambda: Activity.objects.select_related("group", "host", "minutes"),
        watch=[(ActivityMinutes, _minutes_activity)],
        linked_ids=_signed_up_elsewhere,
    )
)


def _observation_doc(o: Observation) -> Document | None:
    """Only the feedback (优点/不足/建议) is indexed; who may read it is the observation's rule."""
    if o.deleted_at or o.status != "submitted":
        return None
    title = o.lesson_title or "听课记录"
    return Document(
        title=f"{title}（{o.teacher.name}）",
        body=f"{o.strengths}\n{o.weaknesses}\n{o.suggestions}",
        tags=f"听课评课 {o.get_kind_display()} {o.subject} {GRADE_NAMES.get(o.grade or 0, '')}",
        school_id=o.school_id,
        kind=o.kind,
        kind_label=f"听课·{o.get_kind_display()}",
        subject=o.subject,
        grade=o.grade,
        author_id=o.teacher_id,
        author_name=o.teacher.name,
        day=o.lesson_date,
        url=reverse("observations:detail", args=[o.pk]),
        access=observation_access(o.observer_id),
    )


register_indexer(
    Indexer(
        model=Observation,
        category="observation",
        label="听课反馈",
        document=_observation_doc,
        queryset=lambda: Observation.objects.select_related("teacher"),
    )
)


# ---- a school that moves district or changes alliances: its entries' region lexemes follow -----
# (They only narrow the candidates — the flags are checked against the reader's school lists at
# search time — so until this runs a moved school's shares are missed, never shown too widely.)


def _refill_schools(school_ids) -> None:
    for sid in set(school_ids):
        transaction.on_commit(lambda sid=sid: refill_access(school_id=sid))


def _school_region_before(sender, instance, **kw):
    instance._search_region_before = (
        School.objects.filter(pk=instance.pk).values_list("region_id", flat=True).first() if instance.pk else None
    )


def _school_region_after(sender, instance, created, **kw):
    if not created and getattr(instance, "_search_region_before", instance.region_id) != instance.region_id:
        _refill_schools([instance.pk])


def _alliances_changed(sender, instance, action, reverse, pk_set, **kw):
    if action == "pre_clear" and reverse:
        instance._search_cleared = list(School.alliances.through.objects.filter(region_id=instance.pk).values_list("school_id", flat=True))
    if action in ("post_add", "post_remove", "post_clear"):
        _refill_schools((pk_set or getattr(instance, "_search_cleared", [])) if reverse else [instance.pk])


pre_save.connect(_school_region_before, sender=School, dispatch_uid="search-school-region-before")
post_save.connect(_school_region_after, sender=School, dispatch_uid="search-school-region-after")
m2m_changed.connect(_alliances_changed, sender=School.alliances.through, dispatch_uid="search-school-alliances")
