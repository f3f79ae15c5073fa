"""gen_data: the resource library and the search index at scale.

Resources: about one for every two teachers a year (skewed like the other records), placed
in the built-in textbook catalogue (subject · edition · grade · volume · unit), with the
sharing levels schools use (most 本校, a quarter 区域共享 — approved, a few pending —, some
仅自己/本组/公开). No files (the search reads titles, tags, descriptions and extracted text).

Search entries: what `search.reindex()` would leave behind for every generated record —
resources, writings, activities with their minutes, submitted observations' feedback —
with the same `Document` fields. Tokens come from `search.document_tokens`' rules (jieba's
search mode, bigrams of title and tags) cut sentence by sentence with a cache: the
generated texts are composed from sentence pools, so each distinct sentence is cut once
(cutting 700k whole records one by one would take most of the generation time)."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.gendata import GenContext, poisson

from .catalogue_data import UNITS
from .models import CatalogueEntry, Resource, ResourceKind, SearchEntry, ShareState, Visibility

ORDER = 90  # after every app whose records are indexed
PER_TEACHER_YEAR = 0.5
KINDS = ["lesson_plan"] * 5 + ["slides"] * 3 + ["video"] * 2 + ["case", "exercise", "exercise", "micro", "other"]
KIND_WORDS = {
    "lesson_plan": "教学设计",
    "slides": "课件",
    "video": "课堂实录",
    "case": "教学案例",
    "exercise": "作业设计",
    "micro": "微课",
    "other": "教学资料",
}
VISIBILITY = ["school"] * 11 + ["region"] * 5 + ["group"] * 2 + ["private", "public"]
DESCRIPTIONS = [
    "本课以学生的生活经验为起点，通过动手操作、合作探究，帮助学生理解{unit}的核心概念。",
    "教学目标：知识与技能、过程与方法、情感态度与价值观三个维度，突出核心素养的落实。",
    "设计了分层作业：基础题巩固{unit}的基本知识，提高题注重迁移运用，拓展题联系生活实际。",
    "本节课采用情境导入、小组合作、展示交流、总结提升四个环节，课堂气氛活跃。",
    "课后反思：学生对{unit}的理解比较到位，但个别学生在表达上还需加强，下节课重点训练。",
    "该资源经教研组集体备课研讨，三次修改后形成，适合{grade}学生使用。",
    "附单元检测题一套，含答案与评分标准，可用于课堂练习或课后检测。",
    "朗读指导与板书设计并重，关注学生的学习过程与思维发展。",
]
SENTENCE_RE = re.compile(r"(?<=[。！？；\n])")
BATCH = 5000


def _units() -> list[tuple[tuple[str, str, int, int], str]]:
    return [(key, unit) for key, units in UNITS.items() for unit in units]


def generate(ctx: GenContext) -> None:
    _resources(ctx)
    _search_entries(ctx)


def _resources(ctx: GenContext) -> None:
    from xiaoben.org.choices import GRADE_NAMES

    rng = ctx.rng("resources")
    w = ctx.writer
    units = _units()
    catalogue = {
        (e.subject, e.edition, e.grade, e.volume, e.name): e.pk
        for e in CatalogueEntry.objects.filter(school__isnull=True, region__isnull=True).only(
            "pk", "subject", "edition", "grade", "volume", "name"
        )
    }
    now = timezone.now()
    for gs in ctx.schools:
        if not gs.teacher_ids:
            continue
        days = ctx.school_days(gs)
        groups = [g for g in gs.groups if g.member_ids]
        rows = []
        for tid in gs.teacher_ids:
            for _ in range(poisson(rng, PER_TEACHER_YEAR * gs.weights[tid] * gs.weight)):
                (subject, edition, grade, volume), unit = rng.choice(units)
                kind = rng.choice(KINDS)
                visibility = rng.choice(VISIBILITY)
                share = ShareState.NONE
                if visibility in (Visibility.REGION, Visibility.PUBLIC):
                    share = ShareState.PENDING if rng.random() < 0.1 else ShareState.APPROVED
                group = rng.choice(groups) if visibility == Visibility.GROUP and groups else None
                day, _term = rng.choice(days)
                when = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30)))
                fill = {"unit": unit, "grade": GRADE_NAMES.get(grade, "")}
                description = "".join(s.format(**fill) for s in rng.sample(DESCRIPTIONS, k=rng.randint(1, 3)))
                rows.append(
                    {
                        "school_id": gs.id,
                        "author_id": tid,
                        "uploaded_by_id": gs.user_ids[tid],
                        "kind": kind,
                        "title": f"{unit}{KIND_WORDS[kind]}"[:200],
                        "description": description,
                        "subject": subject,
                        "grade": grade,
                        "edition": edition,
                        "volume": volume,
                        "catalogue_id": catalogue.get((subject, edition, grade, volume, unit)),
                        "unit": unit[:100],
                        "keywords": f"{subject} {unit}"[:200],
                        "visibility": visibility,
                        "group_id": group.id if group else None,
                        "share_state": share,
                        "share_decided_at": when if share == ShareState.APPROVED else None,
                        "origin_stats": {},
                        "view_count": poisson(rng, 8),
                        "download_count": poisson(rng, 2),
                        "created_at": when,
                        "updated_at": now,
                    }
                )
        for pk, row in zip(w.ids(Resource, len(rows)), rows, strict=True):
            row["id"] = pk
        w.insert(Resource, rows)


class _Cutter:
    """`search.document_tokens` with a per-sentence cache (same tokens, far fewer jieba calls)."""

    def __init__(self):
        from .search import CJK_RUN_RE, _clean, _jieba

        self.jb = _jieba()
        self.clean = _clean
        self.runs = CJK_RUN_RE
        self.cache: dict[str, tuple[str, ...]] = {}

    def cut(self, text: str) -> tuple[str, ...]:
        got = self.cache.get(text)
        if got is None:
            got = tuple(t for t in (self.clean(x) for x in self.jb.cut_for_search(text)) if t)
            if len(self.cache) < 2_000_000:
                self.cache[text] = got
        return got

    def tokens(self, title: str, tags: str, author: str, body: str) -> str:
        seen: dict[str, None] = {}
        for run in self.runs.findall(f"{title} {tags}"):
            for i in range(len(run) - 1):
                seen.setdefault(run[i : i + 2], None)
        for text in (title, tags, author):
            for t in self.cut(text) if text else ():
                seen.setdefault(t, None)
        for sentence in SENTENCE_RE.split(body or ""):
            if sentence.strip():
                for t in self.cut(sentence):
                    seen.setdefault(t, None)
        return " ".join(seen)


def _url(name: str):
    head = reverse(name, args=[987654321])
    before, _, after = head.partition("987654321")
    return lambda pk: f"{before}{pk}{after}"


def _search_entries(ctx: GenContext) -> None:
    from xiaoben.activities.models import Activity, ActivityKind, OpenLessonKind
    from xiaoben.observations.models import Observation, ObservationKind
    from xiaoben.org.choices import GRADE_NAMES
    from xiaoben.writings.models import Writing, WritingKind

    from .indexers import activity_access, observation_access, resource_access, writing_access
    from .search import access_fields, school_regions

    cutter = _Cutter()
    school_ids = [gs.id for gs in ctx.schools]
    regions = school_regions(school_ids)
    now = timezone.now()

    def entry(model, category, pk, *, title, body="", tags="", author_name="", access=None, **kw) -> dict:
        body = (body or "")[:20000]
        return {
            **access_fields(category, pk, kw.get("school_id"), kw.get("author_id"), access, regions),
            "content_type_id": ContentType.objects.get_for_model(model).pk,
            "object_id": pk,
            "category": category,
            "title": title[:200],
            "tags": tags[:400],
            "body": body,
            "author_name": author_name[:50],
            "tokens": cutter.tokens(title, tags, author_name, body),
            "updated_at": now,
            **kw,
        }

    def flush(rows: list[dict]) -> None:
        for pk, row in zip(ctx.writer.ids(SearchEntry, len(rows)), rows, strict=True):
            row["id"] = pk
        ctx.writer.insert(SearchEntry, rows)
        rows.clear()

    rows: list[dict] = []
    kinds = dict(ResourceKind.choices)
    url = _url("resources:detail")
    qs = Resource.objects.filter(school_id__in=school_ids, deleted_at__isnull=True).select_related("author")
    coauthors: dict[int, list[int]] = {}
    for rid, tid in Resource.coauthors.through.objects.filter(resource__school_id__in=school_ids).values_list("resource_id", "teacher_id"):
        coauthors.setdefault(rid, []).append(tid)
    for r in qs.iterator(chunk_size=BATCH):
        rows.append(
            entry(
                Resource,
                "resource",
                r.pk,
                title=r.title,
                body=f"{r.description}\n",
                tags=r.tag_text,
                author_name=r.author.name if r.author else "",
                school_id=r.school_id,
                kind=r.kind,
                kind_label=str(kinds.get(r.kind, "")),
                subject=r.subject,
                grade=r.grade,
                edition=r.edition,
                author_id=r.author_id,
                day=r.created_at.date(),
                url=url(r.pk),
                access=resource_access(r.visibility, r.share_state, r.uploaded_by_id, coauthors.get(r.pk, ())),
            )
        )
        if len(rows) >= BATCH:
            flush(rows)

    kinds = dict(WritingKind.choices)
    url = _url("writings:detail")
    qs = Writing.objects.filter(school_id__in=school_ids, deleted_at__isnull=True).values_list(
        "pk", "school_id", "title", "body", "kind", "author_id", "author__name", "written_on", "visibility", "status"
    )
    for pk, school_id, title, body, kind, author_id, author_name, day, visibility, status in qs.iterator(chunk_size=BATCH):
        label = str(kinds.get(kind, ""))
        rows.append(
            entry(
                Writing,
                "writing",
                pk,
                title=title,
                body=body,
                tags=label,
                author_name=author_name or "",
                school_id=school_id,
                kind=kind,
                kind_label=label,
                author_id=author_id,
                day=day,
                url=url(pk),
                access=writing_access(visibility, status),
            )
        )
        if len(rows) >= BATCH:
            flush(rows)

    kinds, lesson_kinds = dict(ActivityKind.choices), dict(OpenLessonKind.choices)
    url = _url("activities:detail")
    qs = Activity.objects.filter(school_id__in=school_ids).values_list(
        "pk", "school_id", "title", "description", "minutes__body", "kind", "lesson_kind", "group__name", "group__subject",
        "host_id", "host__name", "starts_at",
    )  # fmt: skip
    for pk, school_id, title, desc, minutes, kind, lesson_kind, group, subject, host_id, host, starts in qs.iterator(chunk_size=BATCH):
        label = str(kinds.get(kind, "")) + (f"·{lesson_kinds.get(lesson_kind, '')}" if lesson_kind else "")
        rows.append(
            entry(
                Activity,
                "activity",
                pk,
                title=title,
                body=f"{desc}\n{minutes or ''}",
                tags=f"{label} {group or ''} {subject or ''}",
                author_name=host or "",
                school_id=school_id,
                kind=kind,
                kind_label=label,
                subject=subject or "",
                author_id=host_id,
                day=timezone.localtime(starts).date() if starts else None,
                url=url(pk),
                access=activity_access(school_id),
            )
        )
        if len(rows) >= BATCH:
            flush(rows)

    kinds = dict(ObservationKind.choices)
    url = _url("observations:detail")
    qs = Observation.objects.filter(school_id__in=school_ids, deleted_at__isnull=True, status="submitted").values_list(
        "pk", "school_id", "lesson_title", "teacher_id", "teacher__name", "strengths", "weaknesses", "suggestions",
        "kind", "subject", "grade", "lesson_date", "observer_id",
    )  # fmt: skip
    for pk, school_id, lesson, tid, name, good, weak, advice, kind, subject, grade, day, observer in qs.iterator(chunk_size=BATCH):
        label = str(kinds.get(kind, ""))
        rows.append(
            entry(
                Observation,
                "observation",
                pk,
                title=f"{lesson or '听课记录'}（{name}）",
                body=f"{good}\n{weak}\n{advice}",
                tags=f"听课评课 {label} {subject} {GRADE_NAMES.get(grade or 0, '')}",
                author_name=name or "",
                school_id=school_id,
                kind=kind,
                kind_label=f"听课·{label}",
                subject=subject or "",
                grade=grade,
                author_id=tid,
                day=day,
                url=url(pk),
                access=observation_access(observer),
            )
        )
        if len(rows) >= BATCH:
            flush(rows)
    if rows:
        flush(rows)
