"""The reports app's own exporters: summaries, record books, portfolio, the term archive."""

from __future__ import annotations

from django import forms
from django.http import Http404

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.formatting import DOCX, safe_filename
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.org.models import Group, SchoolYear, Teacher, Term
from xiaoben.reportkit.params import GroupTermParams, ParamsForm, TeacherTermParams, TermParams, _teachers

from . import record_books as rb


class SummaryParams(TermParams):
    kind = forms.ChoiceField(label="期间", choices=[("term", "学期总结"), ("year", "学年总结")], initial="term")


@register
class SchoolSummaryExporter(Exporter):
    identifier = "reports.summary_docx"
    verbose_name = "校本研修工作总结（Word）"
    permission = "reports:export"
    category = "工作总结与归档"
    form_class = SummaryParams
    background = True

    def render(self, *, actor, params):
        from .selectors import period_for
        from .views_summary import summary_docx_bytes

        return summary_docx_bytes(actor, period_for(actor, {"term": params.get("term"), "kind": params.get("kind", "term")}))


@register
class GroupSummaryExporter(Exporter):
    identifier = "reports.group_summary_docx"
    verbose_name = "教研组工作总结（Word）"
    permission = "group:read"
    category = "工作总结与归档"
    form_class = GroupTermParams

    def available(self, scope):
        return scope.is_group_leader or scope.is_school_admin or scope.is_platform_admin

    def render(self, *, actor, params):
        from .selectors import period_for
        from .views_summary import summary_docx_bytes

        return summary_docx_bytes(actor, period_for(actor, {"term": params.get("term"), "group": params.get("group")}))


def group_and_term(actor, params) -> tuple[Group, Term]:
    group = get_object_for_user(actor, Group, Group.objects.select_related("school"), pk=params.get("group"))
    if not (actor.admin_of(group.school_id) or group.pk in actor.led_group_ids):
        raise Http404
    term = get_object_for_user(actor, Term, Term.objects.select_related("school_year"), pk=params.get("term"))
    if term.school_id != group.school_id:
        raise Http404
    return group, term


@register
class ActivityBookExporter(Exporter):
    identifier = "reports.activity_book_docx"
    verbose_name = "教研活动记录本（Word）"
    permission = "group:read"
    category = "记录本与档案袋"
    form_class = GroupTermParams

    def available(self, scope):
        return scope.is_group_leader or scope.is_school_admin or scope.is_platform_admin

    def render(self, *, actor, params):
        group, term = group_and_term(actor, params)
        book = rb.activity_book(group, term)
        return safe_filename(f"{group.name}{term.name}教研活动记录本.docx"), DOCX, rb.activity_book_docx(book)


def reachable_teacher(actor, teacher_id) -> Teacher:
    """Self, a member of a group one leads, or anyone of a school one administers; else 404."""
    teacher = get_object_for_user(actor, Teacher, Teacher.objects.select_related("school"), pk=teacher_id or actor.teacher_id)
    if not (actor.is_self(teacher.pk) or actor.admin_of(teacher.school_id) or actor.leads(teacher.pk)):
        raise Http404
    return teacher


@register
class ObservationBookExporter(Exporter):
    identifier = "reports.observation_book_docx"
    verbose_name = "听课记录本（Word）"
    permission = "observations:write"
    category = "记录本与档案袋"
    form_class = TeacherTermParams

    def render(self, *, actor, params):
        teacher = reachable_teacher(actor, params.get("teacher"))
        term = get_object_for_user(actor, Term, Term.objects.select_related("school_year"), pk=params.get("term"))
        if term.school_id != teacher.school_id:
            raise Http404
        return (
            safe_filename(f"{teacher.name}{term.name}听课记录本.docx"),
            DOCX,
            rb.observation_book_docx(rb.observation_book(teacher, term)),
        )


class TeacherSchoolYearParams(ParamsForm):
    teacher = forms.ModelChoiceField(queryset=Teacher.objects.none(), label="教师")
    school_year = forms.ModelChoiceField(queryset=SchoolYear.objects.none(), label="学年")

    def setup(self):
        self.fields["teacher"].queryset = _teachers(self.scope)
        self.fields["teacher"].label_from_instance = lambda t: f"{t.name}（{t.staff_no}）"
        years = SchoolYear.objects.filter(school_id__in=self.scope.member_school_ids).order_by("-start_year")
        self.fields["school_year"].queryset = years
        if not self.is_bound:
            self.initial["teacher"] = self.scope.teacher_id
            first = years.first()
            self.initial["school_year"] = first.pk if first else None


@register
class PortfolioExporter(Exporter):
    identifier = "reports.portfolio_docx"
    verbose_name = "教师成长档案袋（Word）"
    permission = "self:read"
    category = "记录本与档案袋"
    form_class = TeacherSchoolYearParams

    def render(self, *, actor, params):
        teacher = reachable_teacher(actor, params.get("teacher"))
        year = get_object_for_user(actor, SchoolYear, pk=params.get("school_year")) if params.get("school_year") else None
        if year is None or year.school_id != teacher.school_id:
            raise Http404
        return safe_filename(f"{teacher.name}{year.name}成长档案袋.docx"), DOCX, rb.portfolio_docx(rb.portfolio(teacher, year))


@register
class TermArchiveExporter(Exporter):
    identifier = "reports.term_archive_zip"
    verbose_name = "学期归档包（.zip）"
    permission = "reports:export"
    category = "工作总结与归档"
    description = "按教研组和类别整理本学期的全部记录、工作总结、记录本与统计表，附目录。"
    form_class = TermParams
    background = True

    def render(self, *, actor, params):
        from .archive import build_archive

        term = get_object_for_user(actor, Term, Term.objects.select_related("school_year", "school"), pk=params.get("term"))
        if not actor.can("reports:export", school_id=term.school_id):
            raise Http404
        return build_archive(actor=actor, term=term, job_id=params.get("_job"), full=params.get("full", True))
