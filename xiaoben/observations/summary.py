"""工作总结 section from 听课记录: total, per-teacher average, by kind, 补录.
Only submitted, not deleted observations count (the same rule as the metrics)."""

from __future__ import annotations

from decimal import Decimal

from xiaoben.core.formatting import num
from xiaoben.reportkit.summary import P, Section, section

from .metrics import COUNTED, _row
from .models import Observation, ObservationKind


def counted(period):
    return Observation.objects.filter(period.q(teacher="observer"), COUNTED).select_related("teacher", "observer")


@section("observations", title="听课评课", order=40)
def observations_section(period):
    qs = counted(period)
    total = period.figure("observations.total", "听课", qs, unit="节", describe=_row)
    teachers = period.teachers().count()
    avg = Decimal(total.value) / teachers if teachers else Decimal(0)
    paras = [P(f"坚持推门听课与互相听课，{period.word}教师共听课{{total}}，人均听课{num(avg, 1)}节。", total=total)]
    by_kind = period.counts_by(qs, "kind")
    bits = []
    for k, label in ObservationKind.choices:
        if by_kind.get(k) and k != "regular":
            bits.append(
                (label, period.figure(f"observations.kind.{k}", label, qs.filter(kind=k), unit="节", value=by_kind[k], describe=_row))
            )
    if bits:
        p = P("其中")
        for i, (label, fig) in enumerate(bits):
            p.extend([("，" if i else "") + label, fig])
        p.append("。")
        paras.append(p)
    with_feedback = qs.exclude(strengths="", weaknesses="", suggestions="")
    fb = period.figure("observations.feedback", "有评课意见的听课", with_feedback, unit="节", describe=_row)
    paras.append(P("每节课后写出评课意见（优点、不足、建议）的有{fb}。", fb=fb))
    sec = Section(paragraphs=paras)
    back = qs.filter(is_backfilled=True)
    n_back = back.count()
    if n_back:
        period.figure("observations.backfilled", "补录的听课记录", back, unit="节", value=n_back, describe=_row)
        sec.problems.append(f"有{n_back}节听课记录为事后补录，听课记录的及时性有待加强。")
    if total.value and fb.value < total.value:
        sec.problems.append("部分听课记录只记过程、没有评课意见，存在“重听轻评”的现象。")
        sec.next_steps.append("听课后当周完成评课，评课意见写明优点、不足和建议。")
    return sec
