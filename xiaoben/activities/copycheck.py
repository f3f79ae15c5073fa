"""集体备课 lesson plans on the copy check (core.textsim).

A version is compared with the school's lesson plans, writings and reference libraries —
but never with its own 集体备课's versions: a personal revision is expected to share the
draft's text (how much the teacher changed shows on the version comparison page)."""

from __future__ import annotations

from xiaoben.core import textsim

from .models import LessonPlanVersion

KIND = "activities.lessonplan"


def _texts(ids: list[int]) -> dict[int, str]:
    return dict(LessonPlanVersion.objects.filter(pk__in=ids).values_list("pk", "body"))


def _describe(scope, ids: list[int]) -> dict[int, textsim.SourceView]:
    from django.urls import reverse

    from xiaoben.core.tenancy import visible_to

    from .models import LessonPrep

    preps = visible_to(scope, LessonPrep)
    rows = LessonPlanVersion.objects.filter(pk__in=ids, prep__in=preps).select_related("author", "prep__school")
    return {
        v.pk: textsim.SourceView(
            title=f"{textsim.quoted(v.prep.title)}{v.get_kind_display()}",
            author=v.author.name,
            school=v.prep.school.name,
            url=reverse("activities:prep_detail", args=[v.prep_id]),
        )
        for v in rows
    }


textsim.register_source(textsim.TextSource(KIND, "教案", _texts, _describe))


def version_check(version: LessonPlanVersion) -> None:
    """Record the version's 复制比 and sources, then index it for later versions."""
    prep = version.prep
    own = [textsim.SourceRef(KIND, pk) for pk in prep.versions.values_list("pk", flat=True)]
    report = textsim.check(version.body, textsim.pool_for_school(prep.school), exclude=own)
    version.copied_share = round(report.share, 4)
    version.copy_sources = [{"kind": s.ref.kind, "id": s.ref.object_id, "share": round(s.share, 4)} for s in report.sources[:10]]
    LessonPlanVersion.objects.filter(pk=version.pk).update(copied_share=version.copied_share, copy_sources=version.copy_sources)
    textsim.index(textsim.SourceRef(KIND, version.pk), version.body, school_id=prep.school_id)
