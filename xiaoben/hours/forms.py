from django import forms

from xiaoben.core.forms import StyledFormMixin

from .models import ClaimKind, HourCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClaimForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="培训类型", choices=ClaimKind.choices)
    title = forms.CharField(label="培训名称", max_length=200)
    organiser = forms.CharField(label="主办单位", max_length=100, help_text="如：浙江省教育厅、南湖区教师进修学校")
    start_date = forms.DateField(label="开始日期", widget=DATE)
    end_date = forms.DateField(label="结束日期", widget=DATE)
    hours = forms.DecimalField(
        label="学时", max_digits=6, decimal_places=1, min_value=0.1, widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"})
    )
    category = forms.ChoiceField(label="学时类别", choices=HourCategory.choices)
    certificate = forms.FileField(label="培训证书", help_text="PDF 或图片，提交一次，审核各环节共用。")

    def __init__(self, *args, certificate_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].required = certificate_required
        if not certificate_required:
            self.fields["certificate"].help_text = "不更换证书可留空。"


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="退回理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="Excel 文件 (.xlsx)", help_text="表头：工号、姓名、培训名称、类别、学时、日期。")


class HoursSettingsForm(StyledFormMixin, forms.Form):
    hours_year_target = forms.IntegerField(label="年度学时要求", min_value=0, max_value=500)
    hours_cycle_target = forms.IntegerField(label="五年周期学时要求", min_value=0, max_value=2000, help_text="常见为 360 学时，各省不同。")
    hours_cycle_start_year = forms.IntegerField(
        label="本周期起始年份", min_value=2000, max_value=2100, help_text="如 2022 表示 2022—2026 年为一个周期。"
    )
    claim_chain = forms.ChoiceField(
        label="学时申报审核流程",
        choices=[("school,region", "学校审核 → 区县审核"), ("school", "仅学校审核"), ("region", "仅区县审核")],
    )
