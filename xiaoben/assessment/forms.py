from django import forms

from xiaoben.core.forms import StyledFormMixin
from xiaoben.hours.models import HourCategory

from .models import ItemSource


class SchemeForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="方案名称", max_length=100, initial="教师校本研修考核")
    with_defaults = forms.BooleanField(label="按常用项目预填（师德、学生评教、学时及本校量化要求）", required=False, initial=True)


class ItemForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="考核项目", max_length=60)
    points = forms.DecimalField(label="分值", max_digits=5, decimal_places=1, min_value=0.5, max_value=100)
    source = forms.ChoiceField(label="计分方式", choices=ItemSource.choices)
    requirement = forms.ModelChoiceField(label="量化要求", queryset=None, required=False, help_text="计分方式为“量化要求达成”时选择")
    hours_target = forms.DecimalField(label="学时要求", max_digits=6, decimal_places=1, required=False, help_text="留空：年度要求的一半")
    hours_category = forms.ChoiceField(label="学时类别", choices=[("", "全部类别"), *HourCategory.choices], required=False)
    description = forms.CharField(label="评分说明", max_length=200, required=False)

    def __init__(self, *args, requirements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirements
