"""Forms: they parse; the services decide."""

from __future__ import annotations

from django import forms

from xiaoben.core.forms import StyledFormMixin
from xiaoben.org.models import Group, Teacher, Term

from .models import ItemKind, ItemOwner, ItemState, Plan, PlanItem, PlanLevel, PlanSpan

MONTHS = [("", "—")] + [(m, f"{m}月") for m in (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)]
WEEKDAYS = [("", "—")] + [(i, f"周{'一二三四五六日'[i]}") for i in range(7)]


class PlanCreateForm(StyledFormMixin, forms.Form):
    level = forms.ChoiceField(label="计划层级", choices=[])
    group = forms.ModelChoiceField(label="教研组/备课组", queryset=Group.objects.none(), required=False)
    span = forms.ChoiceField(label="周期", choices=PlanSpan.choices, initial=PlanSpan.TERM)
    term = forms.ModelChoiceField(label="学期", queryset=Term.objects.none(), required=False)
    title = forms.CharField(
        label="标题", max_length=120, required=False, help_text="留空则自动命名，如“××小学2026-2027学年第一学期校本研修工作计划”"
    )
    start_from = forms.ChoiceField(
        label="从哪里开始",
        choices=[("template", "按模板（常用章节）"), ("copy", "复制上一期计划再修改"), ("blank", "空白")],
        initial="template",
        widget=forms.RadioSelect,
    )
    copy_of = forms.ModelChoiceField(label="复制哪份计划", queryset=Plan.objects.none(), required=False)

    def __init__(self, *args, levels, groups, terms, copyable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(v, lb) for v, lb in PlanLevel.choices if v in levels]
        self.fields["group"].queryset = groups
        self.fields["term"].queryset = terms
        self.fields["term"].label_from_instance = lambda t: t.name
        self.fields["copy_of"].queryset = copyable
        self.fields["copy_of"].label_from_instance = lambda p: f"{p.title}（{p.get_status_display()}）"

    def clean(self):
        data = super().clean()
        if data.get("level") == PlanLevel.GROUP and not data.get("group"):
            self.add_error("group", "请选择教研组或备课组。")
        if data.get("start_from") == "copy" and not data.get("copy_of"):
            self.add_error("copy_of", "请选择要复制的计划。")
        if data.get("level") == PlanLevel.REGION:
            if not data.get("start_year"):
                self.add_error("start_year", "请填写学年的起始年份，如 2026。")
        elif not data.get("term"):
            self.add_error("term", "请选择学期（学年计划选该学年的任一学期）。")
        return data


class ItemForm(StyledFormMixin, forms.ModelForm):
    month = forms.TypedChoiceField(label="月份", choices=MONTHS, required=False, coerce=int, empty_value=None)
    weekday = forms.TypedChoiceField(
        label="每周固定（星期）", choices=WEEKDAYS, required=False, coerce=int, empty_value=None, help_text="如“每周五集体备课”：选周五"
    )

    class Meta:
        model = PlanItem
        fields = ["month", "week", "week_end", "title", "kind", "lesson_kind", "topic", "owner", "group", "person", "weekday", "period"]
        labels = {"lesson_kind": "课型（公开课）"}

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the copy the editor loaded

    def __init__(self, *args, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["group"].queryset = Group.objects.filter(school_id=school_id, is_active=True).order_by("kind", "name")
        self.fields["person"].queryset = Teacher.objects.filter(school_id=school_id, is_active=True).order_by("name")
        self.fields["kind"].choices = ItemKind.choices
        self.fields["owner"].choices = ItemOwner.choices

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) for k in self.Meta.fields} | {"lesson_kind": d.get("lesson_kind") or "", "topic": d.get("topic") or ""}


class MarkForm(forms.Form):
    state = forms.ChoiceField(choices=ItemState.choices)
    note = forms.CharField(required=False, max_length=200)
    version = forms.IntegerField(required=False)  # the copy the page was loaded with


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[(d, d) for d in ("approve", "return", "acknowledge", "comment", "read")])
    comment = forms.CharField(required=False, max_length=500)


class SlotForm(StyledFormMixin, forms.Form):
    group = forms.ModelChoiceField(label="小组", queryset=Group.objects.none())
    period = forms.IntegerField(label="节次", min_value=1, max_value=12, initial=3)
    place = forms.CharField(label="地点", max_length=100, required=False)
    host = forms.ModelChoiceField(label="主持人", queryset=Teacher.objects.none(), required=False)
    recorder = forms.ModelChoiceField(label="记录人", queryset=Teacher.objects.none(), required=False)

    def __init__(self, *args, groups, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["host"].queryset = teachers
        self.fields["recorder"].queryset = teachers


class ImportForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="粘贴计划全文", required=False, widget=forms.Textarea(attrs={"rows": 10}), max_length=200_000)
    upload = forms.FileField(label="或上传计划（.docx / .txt）", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("text") and not data.get("upload"):
            raise forms.ValidationError("请粘贴计划文本或上传计划文件。")
        return data
