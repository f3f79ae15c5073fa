"""Parameter forms for exporters: term, year, group, teacher — choices limited to what the
person may reach. Exporters still fetch the objects through the door in render()."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Model, Q, QuerySet

from xiaoben.core.forms import StyledFormMixin
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Group, Teacher, Term
from xiaoben.org.selectors import current_term, today


class ParamsForm(StyledFormMixin, forms.Form):
    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.setup()

    def setup(self) -> None:
        pass

    def limit(self, name: str, queryset: QuerySet[Any]) -> None:
        """Offer only `queryset` in the model choice field `name`."""
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def _terms(self) -> QuerySet[Term]:
        return Term.objects.filter(school_id__in=self.scope.member_school_ids).select_related("school_year").order_by("-start_date")


class TermParams(ParamsForm):
    term = forms.ModelChoiceField(queryset=Term.objects.none(), label="学期")

    def setup(self) -> None:
        self.limit("term", self._terms())
        cur = current_term(self.scope.school_id) if self.scope.school_id else None
        if cur and not self.is_bound:
            self.initial["term"] = cur.pk


class YearParams(ParamsForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def setup(self) -> None:
        if not self.is_bound:
            self.initial["year"] = today().year


def _teachers(scope: Scope) -> QuerySet[Teacher]:
    """Self; the members of groups one leads; the whole school for its admins."""
    q = Q(pk=scope.teacher_id) if scope.teacher_id else Q(pk__in=[])
    if scope.admin_school_ids:
        q |= Q(school_id__in=scope.admin_school_ids)
    if scope.led_group_ids:
        q |= scope.led_members_filter("pk")
    return visible_to(scope, Teacher).filter(q, is_active=True).order_by("staff_no")


def _groups(scope: Scope) -> QuerySet[Group]:
    q = Q(pk__in=scope.led_group_ids)
    if scope.admin_school_ids:
        q |= Q(school_id__in=scope.admin_school_ids)
    return visible_to(scope, Group).filter(q, is_active=True).order_by("kind", "name")


if TYPE_CHECKING:
    TeacherField = forms.ModelChoiceField[Teacher]
else:  # Django's fields are not subscriptable at run time
    TeacherField = forms.ModelChoiceField


class TeacherChoice(TeacherField):
    def label_from_instance(self, obj: Model) -> str:
        assert isinstance(obj, Teacher)
        return f"{obj.name}（{obj.staff_no}）"


class TeacherTermParams(TermParams):
    teacher = TeacherChoice(queryset=Teacher.objects.none(), label="教师")

    def setup(self) -> None:
        super().setup()
        self.limit("teacher", _teachers(self.scope))
        if self.scope.teacher_id and not self.is_bound:
            self.initial["teacher"] = self.scope.teacher_id


class TeacherYearParams(YearParams):
    teacher = TeacherChoice(queryset=Teacher.objects.none(), label="教师")

    def setup(self) -> None:
        super().setup()
        self.limit("teacher", _teachers(self.scope))
        if self.scope.teacher_id and not self.is_bound:
            self.initial["teacher"] = self.scope.teacher_id


class GroupTermParams(TermParams):
    group = forms.ModelChoiceField(queryset=Group.objects.none(), label="教研组/备课组")

    def setup(self) -> None:
        super().setup()
        self.limit("group", _groups(self.scope))
