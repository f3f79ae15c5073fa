from django import forms
from django.utils import timezone

from xiaoben.core.forms import StyledFormMixin
from xiaoben.org.models import Teacher
from xiaoben.org.validation import grade_message

from .models import ObservationKind

PERIODS = [("", "—")] + [(str(i), f"第{i}节") for i in range(1, 9)]


class ObservationForm(StyledFormMixin, forms.Form):
    teacher = forms.ModelChoiceField(
        label="授课教师", queryset=Teacher.objects.none(), widget=forms.HiddenInput, error_messages={"required": "请选择授课教师。"}
    )
    lesson_date = forms.DateField(
        label="听课日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式不对。", "required": "请填写听课日期。"},
    )
    period = forms.TypedChoiceField(label="节次", choices=PERIODS, coerce=int, required=False, empty_value=None)
    subject = forms.CharField(label="学科", max_length=20, required=False)
    grade = forms.TypedChoiceField(
        label="年级", choices=[("", "—")] + [(str(i), f"{i}年级") for i in range(1, 13)], coerce=int, required=False, empty_value=None
    )
    class_name = forms.CharField(label="班级", max_length=30, required=False)
    lesson_title = forms.CharField(label="课题", max_length=200, required=False)
    kind = forms.ChoiceField(label="课型", choices=ObservationKind.choices, initial=ObservationKind.REGULAR, widget=forms.RadioSelect)
    activity = forms.ModelChoiceField(label="关联活动", queryset=None, required=False, empty_label="（不关联）")
    notes = forms.CharField(label="听课笔记", max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    strengths = forms.CharField(label="优点", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weaknesses = forms.CharField(label="不足", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    suggestions = forms.CharField(label="建议", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, school_id: int, activities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = Teacher.objects.filter(school_id=school_id, is_active=True)
        self.fields["activity"].queryset = activities if activities is not None else self.fields["teacher"].queryset.none()
        if not self.is_bound and not self.initial.get("lesson_date"):
            self.initial["lesson_date"] = timezone.localdate()
        # 三年级, not “3年级”; only the grades of the school's stage (a 小学 has six)
        from xiaoben.org.choices import GRADE_NAMES, STAGE_GRADES
        from xiaoben.org.models import School

        stage = School.objects.filter(pk=school_id).values_list("stage", flat=True).first()
        grades = STAGE_GRADES.get(stage, range(1, 13))
        self.fields["grade"].choices = [("", "—")] + [(str(g), GRADE_NAMES[g]) for g in grades]
        self.fields["grade"].error_messages["invalid_choice"] = grade_message(stage)  # the API's words too


class RubricForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="评价表名称", max_length=100)
    grade_scale = forms.CharField(
        label="等级划分", max_length=200, initial="优:90，良:80，中:60，差:0", help_text="按总分（百分制）写分数线，从高到低，用逗号分隔。"
    )
    is_default = forms.BooleanField(label="设为本校默认评价表", required=False)


class RubricItemForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    dimension = forms.CharField(label="维度", max_length=30)
    title = forms.CharField(label="项目", max_length=100)
    descriptor = forms.CharField(label="评价要点", max_length=300, required=False)
    weight = forms.DecimalField(label="权重", min_value=0.01, max_value=1000, decimal_places=2)
    max_points = forms.DecimalField(label="满分", min_value=0.5, max_value=1000, decimal_places=1)


RubricItemFormSet = forms.formset_factory(RubricItemForm, extra=2, can_delete=True)
