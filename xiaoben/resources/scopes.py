"""Who reads which resource (SPEC §2.5).

* the author, co-authors and the uploader: always (仅自己 included);
* 本组: members of the resource's group; the school's admins and the group's leaders;
* 本校: teachers and admins of the school;
* 区域共享 (once the school admin approved it): the teachers of the schools of the same
  district and of the school's alliances, and the 教研员 whose region holds the school;
* 公开 (approved): everyone, also without signing in (`selectors.public_resources`).
Until the admin approves, a region/public resource is read as 本校.
Search entries and 晒课 rows follow the records they stand for.
"""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule
from xiaoben.org.models import School

from .models import (
    CatalogueEntry,
    Favourite,
    PrepLink,
    Resource,
    ResourceFile,
    SearchEntry,
    ShareState,
    ShowcaseEntry,
    ShowcaseRound,
    ShowcaseScore,
)

APPROVED = Q(share_state=ShareState.APPROVED)
NOT_PRIVATE = ~Q(visibility="private")


def resource_condition(scope, p: str = "") -> Q:
    """The visibility condition, with an optional field prefix (e.g. "resource__")."""

    def q(**kw) -> Q:
        return Q(**{f"{p}{k}": v for k, v in kw.items()})

    approved = q(share_state=ShareState.APPROVED)
    school_wide = q(visibility="school") | (q(visibility__in=["region", "public"]) & ~approved)
    cond = q(visibility="public") & approved
    cond |= q(uploaded_by_id=scope.user_id)
    if scope.admin_school_ids:
        cond |= q(school_id__in=scope.admin_school_ids) & ~q(visibility="private")
    if scope.region_school_ids:
        cond |= q(visibility="region") & approved & q(school_id__in=scope.region_school_ids)
    if scope.teacher_id:
        t = scope.teacher
        cond |= q(author_id=t.pk) | q(coauthors=t.pk)
        cond |= q(school_id=t.school_id) & school_wide
        if scope.member_group_ids or scope.led_group_ids:
            cond |= q(school_id=t.school_id, visibility="group", group_id__in=scope.member_group_ids | scope.led_group_ids)
        peers = School.objects.filter(
            Q(region_id=t.school.region_id)
            | Q(alliances__in=School.alliances.through.objects.filter(school_id=t.school_id).values("region_id"))
        ).values("id")
        cond |= q(visibility="region") & approved & q(school_id__in=peers)
    return cond


@scope_rule(Resource)
def _resources(scope, qs):
    cond = resource_condition(scope)
    if scope.teacher_id:
        # `coauthors` is a to-many join: keep rows single through a subquery.
        return qs.filter(pk__in=Resource.all_objects.filter(cond).values("pk"))
    return qs.filter(cond)


@scope_rule(ResourceFile)
def _files(scope, qs):
    return qs.filter(resource__in=_resources(scope, Resource.objects.all()))


@scope_rule(Favourite)
def _favourites(scope, qs):
    return qs.filter(user_id=scope.user_id)


@scope_rule(PrepLink)
def _prep_links(scope, qs):
    from xiaoben.activities.models import LessonPrep
    from xiaoben.core.tenancy import visible_to

    return qs.filter(prep__in=visible_to(scope, LessonPrep).values("pk"))


@scope_rule(CatalogueEntry)
def _catalogue(scope, qs):
    """Built-in units for all; a school's or a district's additions for those inside it."""
    cond = Q(school__isnull=True, region__isnull=True) | Q(school_id__in=scope.readable_school_ids)
    region_ids = set(scope.region_ids)
    if scope.teacher:
        region_ids.add(scope.teacher.school.region_id)
    cond |= Q(region_id__in=region_ids)
    return qs.filter(cond)


@scope_rule(SearchEntry)
def _search_entries(scope, qs):
    """An entry is visible exactly when the record it stands for is (search.py asks each
    registered model's own rule)."""
    from .search import visible_entries

    return visible_entries(scope, qs)


@scope_rule(ShowcaseRound)
def _rounds(scope, qs):
    """A district's rounds: its 教研员, experts named to the round, and the district's schools."""
    cond = Q(region_id__in=scope.region_ids) | Q(experts=scope.user_id)
    school_ids = scope.member_school_ids
    if school_ids:
        cond |= Q(region__schools__in=school_ids)
    return qs.filter(pk__in=ShowcaseRound.objects.filter(cond).values("pk"))


@scope_rule(ShowcaseEntry)
def _entries(scope, qs):
    """The district's 教研员 and the round's experts see every entry; a school sees its own;
    once published, everyone who sees the round sees the results."""
    cond = Q(round__region_id__in=scope.region_ids) | Q(round__experts=scope.user_id) | Q(school_id__in=scope.member_school_ids)
    cond |= Q(round__status="published", round__in=_rounds(scope, ShowcaseRound.objects.all()))
    return qs.filter(pk__in=ShowcaseEntry.objects.filter(cond).values("pk"))


@scope_rule(ShowcaseScore)
def _scores(scope, qs):
    """Experts are anonymous to each other: an expert sees their own scores; the 教研员 all."""
    return qs.filter(Q(expert_id=scope.user_id) | Q(entry__round__region_id__in=scope.region_ids))
