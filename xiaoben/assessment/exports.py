"""考核 results and rankings as .xlsx: (filename, mimetype, bytes)."""

from __future__ import annotations

from xiaoben.core.formatting import num
from xiaoben.core.xlsx import workbook_bytes

from .models import AssessmentScore

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_xlsx(*, scheme, results) -> tuple[str, str, bytes]:
    """`results` is the ranked queryset (already through the door). Two queries: rows, scores."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    items = list(scheme.items.all())
    rows = list(results)
    scores: dict[tuple[int, int], object] = {
        (s.result_id, s.item_id): s.score
        for s in AssessmentScore.objects.filter(result__in=[r.pk for r in rows]).only("result_id", "item_id", "score")
    }
    wb = Workbook()
    ws = wb.active
    ws.title = "考核结果"
    ws.append([f"{scheme.school.name} {scheme.term.name} {scheme.name}"])
    ws["A1"].font = Font(bold=True, size=13)
    header = ["名次", "工号", "姓名", "学科", *[f"{i.name}（{num(i.points)}）" for i in items], "总分", "状态"]
    ws.append(header)
    for c in ws[2]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    for r in rows:
        ws.append(
            [
                r.rank,
                r.teacher.staff_no,
                r.teacher.name,
                r.teacher.subject,
                *[float(scores.get((r.pk, i.pk)) or 0) for i in items],
                float(r.total),
                r.get_status_display(),
            ]
        )
    ws.freeze_panes = "E3"
    return f"{scheme.term.name}{scheme.name}.xlsx", XLSX, workbook_bytes(wb)


# ---------------------------------------------------------------- registry


def _registry():
    from django import forms
    from django.http import Http404

    from xiaoben.core.exporters import Exporter, register
    from xiaoben.core.tenancy import get_object_for_user, visible_to
    from xiaoben.reportkit.params import ParamsForm

    from .models import AssessmentScheme

    class SchemeParams(ParamsForm):
        scheme = forms.ModelChoiceField(queryset=AssessmentScheme.objects.none(), label="考核方案")

        def setup(self):
            self.fields["scheme"].queryset = (
                visible_to(self.scope, AssessmentScheme)
                .filter(school_id__in=self.scope.admin_school_ids)
                .select_related("term__school_year")
            )

    @register
    class AssessmentResultsExporter(Exporter):
        identifier = "assessment.results_xlsx"
        verbose_name = "考核结果与排名（Excel）"
        permission = "assessment:manage"
        category = "考核"
        form_class = SchemeParams

        def render(self, *, actor, params):
            from .selectors import ranked_results

            scheme = get_object_for_user(
                actor, AssessmentScheme, AssessmentScheme.objects.select_related("term__school_year", "school"), pk=params.get("scheme")
            )
            if not actor.can("assessment:manage", scheme.school_id):
                raise Http404
            return results_xlsx(scheme=scheme, results=ranked_results(user=actor, scheme=scheme))


_registry()
