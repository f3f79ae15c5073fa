"""师徒结对协议书 through the exporter registry: one pair's, or every active pair's of a year."""

from __future__ import annotations

from django import forms
from django.http import Http404

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.formatting import DOCX
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import SchoolYear
from xiaoben.reportkit.params import ParamsForm

from .documents import agreements_docx
from .models import Mentorship
from .scopes import can_see_private


@register
class AgreementExporter(Exporter):
    identifier = "mentoring.agreement_docx"
    verbose_name = "师徒结对协议书"
    permission = "self:read"
    category = "师徒结对"
    listed = False  # offered on the pair's page

    def render(self, *, actor, params):
        pair = get_object_for_user(
            actor, Mentorship, Mentorship.objects.select_related("school", "school_year", "mentor", "mentee"), pk=params["pair"]
        )
        if not (can_see_private(actor, pair) or actor.can("mentoring:manage", school_id=pair.school_id)):
            raise Http404
        data = agreements_docx([pair])
        return f"师徒结对协议书-{pair.mentor.name}-{pair.mentee.name}.docx", DOCX, data


class SchoolYearParams(ParamsForm):
    school_year = forms.ModelChoiceField(queryset=SchoolYear.objects.none(), label="学年")

    def setup(self):
        self.fields["school_year"].queryset = SchoolYear.objects.filter(school_id__in=self.scope.admin_school_ids).order_by("-start_year")
        first = self.fields["school_year"].queryset.first()
        if first and not self.is_bound:
            self.initial["school_year"] = first.pk


@register
class AgreementsExporter(Exporter):
    identifier = "mentoring.agreements_docx"
    verbose_name = "全校师徒结对协议书"
    permission = "mentoring:manage"
    category = "师徒结对"
    form_class = SchoolYearParams

    def render(self, *, actor, params):
        from django.core.exceptions import ValidationError

        year = SchoolYear.objects.select_related("school").filter(pk=params.get("school_year")).first()
        if year is None or not actor.can("mentoring:manage", school_id=year.school_id):
            raise Http404
        pairs = list(
            visible_to(actor, Mentorship)
            .filter(school=year.school, school_year=year, is_active=True)
            .select_related("school", "school_year", "mentor", "mentee")
            .order_by("mentor__staff_no", "mentee__staff_no")
        )
        if not pairs:
            raise ValidationError("本学年还没有师徒结对。")
        return f"{year.school.name}{year.name}师徒结对协议书.docx", DOCX, agreements_docx(pairs)
