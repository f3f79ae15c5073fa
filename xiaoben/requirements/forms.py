from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet

from xiaoben.core.forms import StyledFormMixin
from xiaoben.org.choices import GroupKind, Role
from xiaoben.org.models import Group, Region, School, SchoolYear

from .audiences import audience_choices
from .models import Period, Requirement
from .registry import all_metrics, get_metric


def filter_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every metric's filter values as "<filter>:<value>", grouped by metric (an optgroup each)."""
    out = []
    for m in all_metrics():
        for name, spec in m.filters.items():
            out.append((f"{m.label} · {spec.label}", [(f"{m.key}|{name}:{v}", str(label)) for v, label in spec.choices]))
    return out


if TYPE_CHECKING:
    _ModelForm = forms.ModelForm[Requirement]
else:  # ModelForm is generic for the type checker only
    _ModelForm = forms.ModelForm


class RequirementForm(StyledFormMixin, _ModelForm):
    filter_values = forms.MultipleChoiceField(
        label="只统计", required=False, help_text="只选与统计项对应的一组；不选则统计全部", widget=forms.SelectMultiple(attrs={"size": 8})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    threshold = forms.DecimalField(
        label="数量要求", max_digits=8, decimal_places=1, min_value=0.1, error_messages={"min_value": "数量要求必须大于0。"}
    )

    class Meta:
        model = Requirement
        fields = ["name", "applies_to", "group", "group_kind", "role", "metric", "period", "threshold", "school_year", "active", "order"]
        widgets = {"metric": forms.Select, "group_kind": forms.Select, "role": forms.Select}

    def __init__(self, *args: Any, school: School | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        cast(forms.Select, self.fields["metric"].widget).choices = [(m.key, f"{m.label}（{m.unit}）— {m.help}") for m in all_metrics()]
        cast(forms.Select, self.fields["group_kind"].widget).choices = [("", "任意小组"), *GroupKind.choices]
        self.order_fields(["name", "metric", "filter_values", "period", "threshold", "applies_to", "group", "group_kind", "role"])
        if school is not None:  # a school's own rule; the district's has no group, role or year
            self._choice("group").queryset = Group.objects.filter(school=school, is_active=True).order_by("kind", "name")
            role = [("", "—"), *[(k, v) for k, v in Role.choices if k in ("principal", "school_admin")]]
            cast(forms.Select, self.fields["role"].widget).choices = role
            self.fields["role"].help_text = "仅对“指定角色”有效"
            self._choice("school_year").queryset = SchoolYear.objects.filter(school=school)
        cast(forms.MultipleChoiceField, self.fields["filter_values"]).choices = filter_choices()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["filter_values"].initial = [
                f"{self.instance.metric}|{name}:{v}"
                for name, values in (self.instance.filters or {}).items()
                for v in (values if isinstance(values, list) else [values])
            ]

    def _choice(self, name: str) -> forms.ModelChoiceField[Any]:
        return cast("forms.ModelChoiceField[Any]", self.fields[name])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        metric = data.get("metric")
        filters: dict[str, list[str]] = {}
        for item in data.get("filter_values") or []:
            key, _, rest = item.partition("|")
            name, _, value = rest.partition(":")
            if key != metric:
                continue  # values picked under another metric are ignored
            filters.setdefault(name, []).append(value)
        data["filters"] = filters
        if metric and get_metric(metric) is None:
            self.add_error("metric", "未知的统计项。")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        keys = ["name", "applies_to", "group", "group_kind", "role", "metric", "period", "threshold", "school_year", "active", "order"]
        return {k: d.get(k) for k in keys} | {"filters": d["filters"], "group_kind": d.get("group_kind") or "", "role": d.get("role") or ""}


class PlanTextForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="粘贴计划文本", required=False, widget=forms.Textarea(attrs={"rows": 10}), max_length=200_000)
    upload = forms.FileField(label="或上传计划文件（.docx / .txt）", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text") and not data.get("upload"):
            raise forms.ValidationError("请粘贴计划文本或上传计划文件。")
        return data


class ProposalForm(StyledFormMixin, forms.Form):
    metric_label = ""  # what the proposal counts, in words (set by the import page)
    keep = forms.BooleanField(label="采用", required=False, initial=True)
    name = forms.CharField(label="要求", max_length=100)
    metric = forms.CharField(widget=forms.HiddenInput)
    filters = forms.JSONField(widget=forms.HiddenInput, required=False)
    group_kind = forms.CharField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    applies_to = forms.ChoiceField(label="适用对象", choices=lambda: audience_choices(simple=True))
    period = forms.ChoiceField(label="周期", choices=Period.choices)
    threshold = forms.DecimalField(label="数量", min_value=0.1, max_digits=8, decimal_places=1)


ProposalFormSet = forms.formset_factory(ProposalForm, extra=0, max_num=100)


class RegionRequirementForm(RequirementForm):
    """区域统一要求: the district's rule for all its schools — no school's group, year or role."""

    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(label="适用区域", queryset=None, empty_label=None)

    class Meta(RequirementForm.Meta):
        fields = ["name", "applies_to", "group_kind", "metric", "period", "threshold", "order"]

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, school=None, **kwargs)
        self._choice("region").queryset = regions
        if len(regions) == 1 or self.instance.pk:
            self.fields["region"].widget = forms.HiddenInput()
            self.fields["region"].initial = self.instance.region_id if self.instance.pk else regions[0].pk
        applies = cast(forms.ChoiceField, self.fields["applies_to"])
        applies.choices = [(k, v) for k, v in cast("list[tuple[str, str]]", applies.choices) if k not in ("group", "role")]

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        keys = ["name", "applies_to", "metric", "period", "threshold", "order"]
        return {k: d.get(k) for k in keys} | {"filters": d["filters"], "group_kind": d.get("group_kind") or ""}
