"""工作总结 section from 研修文章: reflections, 心得, cases, papers by kind (submitted only)."""

from __future__ import annotations

from xiaoben.reports.summary import P, Section, section

from .metrics import COUNTED, _row
from .models import Writing, WritingKind


@section("writings", title="教学反思与研修文章", order=45)
def writings_section(period):
    qs = Writing.objects.filter(period.q(teacher="author"), COUNTED).exclude(kind="reading_note").select_related("author")
    total = period.figure("writings.total", "研修文章", qs, unit="篇", describe=_row)
    if not total.value:
        return Section(problems=[f"{period.word}尚无提交的教学反思与研修文章。"])
    by_kind = period.counts_by(qs, "kind")
    p = P(f"教师坚持撰写教学反思和研修心得，{period.word}共提交{{total}}", total=total)
    first = True
    for k, label in WritingKind.choices:
        if by_kind.get(k):
            p.extend(
                [
                    "，其中" if first else "，",
                    label,
                    period.figure(f"writings.kind.{k}", label, qs.filter(kind=k), unit="篇", value=by_kind[k], describe=_row),
                ]
            )
            first = False
    p.append("。")
    exc = period.figure("writings.excellent", "优秀文章", qs.filter(is_excellent=True), unit="篇", describe=_row)
    paras = [p]
    if exc.value:
        paras.append(P("经审阅评出优秀文章{exc}，在校内交流分享。", exc=exc))
    return Section(paragraphs=paras)
