"""工作总结 section from 师徒结对: pairs, observations between them (指导课 / 汇报课),
and whether each pair met its quotas — "所有师徒都完成了既定目标" only when true."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.observations.models import Observation
from xiaoben.reportkit.summary import P, Section, join, section

from . import selectors
from .models import Mentorship


def _pair_row(p: Mentorship) -> RecordRow:
    return RecordRow(
        date=p.start_date, title=f"{p.mentor.name} — {p.mentee.name}", detail=p.subject, url=reverse("mentoring:detail", args=[p.pk])
    )


def _obs_row(o: Observation) -> RecordRow:
    return RecordRow(
        date=o.lesson_date,
        title=f"{o.observer.name}听{o.teacher.name}的课",
        detail=o.get_kind_display(),
        url=reverse("observations:detail", args=[o.pk]),
    )


@section("mentoring", title="师徒结对", order=50)
def mentoring_section(period):
    years = {t.school_year_id: t.school_year for t in period.terms}
    pairs_qs = Mentorship.objects.filter(school_id__in=period.school_ids, school_year_id__in=list(years), is_active=True).select_related(
        "mentor", "mentee", "school", "school_year"
    )
    if period.group is not None:
        pairs_qs = pairs_qs.filter(Q(mentor_id__in=period.member_ids) | Q(mentee_id__in=period.member_ids))
    pairs = list(pairs_qs.order_by("mentor__staff_no"))
    n_pairs = period.figure("mentoring.pairs", "师徒结对", pairs_qs, unit="对", value=len(pairs), describe=_pair_row)
    if not pairs:
        return None
    active = Mentorship.objects.filter(pk__in=[p.pk for p in pairs])
    fwd = Exists(active.filter(mentee_id=OuterRef("observer_id"), mentor_id=OuterRef("teacher_id")))
    back = Exists(active.filter(mentor_id=OuterRef("observer_id"), mentee_id=OuterRef("teacher_id")))
    base = (
        Observation.objects.counted()
        .filter(school_id__in=period.school_ids, lesson_date__gte=period.start, lesson_date__lte=period.end)
        .select_related("observer", "teacher")
    )
    guide = period.figure("mentoring.guide", "指导课（徒弟听师傅）", base.filter(fwd), unit="节", describe=_obs_row)
    report = period.figure("mentoring.report", "汇报课（师傅听徒弟）", base.filter(back), unit="节", describe=_obs_row)
    both = period.figure("mentoring.total", "师徒互相听课", base.filter(fwd | back), unit="节", describe=_obs_row)
    paras = [
        P(
            "开展“青蓝结对”师徒帮带活动，共结成师徒{pairs}。师徒相互听课{both}，其中徒弟听师傅的指导课{guide}，师傅听徒弟的汇报课{report}。",
            pairs=n_pairs,
            both=both,
            guide=guide,
            report=report,
        )
    ]
    behind: list[str] = []
    with_quotas = 0
    for sid, sy in years.items():
        group_pairs = [p for p in pairs if p.school_year_id == sid]
        for school_id in {p.school_id for p in group_pairs}:
            ps = [p for p in group_pairs if p.school_id == school_id]
            progress, _, _ = selectors.progress_for(ps, school_id=school_id, school_year=sy)
            for pp in progress:
                if pp.quotas:
                    with_quotas += 1
                missing = [f"{q.quota.label}差{q.target - q.count}节" for q in pp.quotas if not q.done]
                if missing:
                    behind.append(f"{pp.pair.mentor.name}与{pp.pair.mentee.name}（{join(missing, '，')}）")
    sec = Section(paragraphs=paras)
    word = "截至目前" if period.is_term else "学年末"
    if with_quotas and not behind:
        paras.append(P(f"{word}，所有师徒都完成了既定目标。"))
    elif behind:
        paras.append(P(f"{word}，尚未完成听课目标的师徒有：{join(behind, '；')}。"))
        sec.problems.append(f"有{len(behind)}对师徒尚未完成听课目标。")
        sec.next_steps.append("师徒结对负责人按月检查月报表和听课记录，督促未达标的师徒补足听课节数。")
    return sec
