import re
from decimal import Decimal, InvalidOperation

from django import forms

from xiaoben.core.forms import StyledFormMixin
from xiaoben.org.choices import HonourKind

from .models import AchievementKind, Category, DocKind, Level, Rank, Stage, Visibility

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="课题名称", max_length=200)
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    category = forms.ChoiceField(label="课题类别", choices=Category.choices)
    number = forms.CharField(label="立项编号", max_length=60, required=False, help_text="立项后填写，如：2026SC123")
    issuer = forms.CharField(label="立项单位", max_length=100, required=False)
    leader = forms.ModelChoiceField(label="主持人", queryset=None)
    members = forms.ModelMultipleChoiceField(
        label="课题组成员", queryset=None, required=False, help_text="可选本校或本区域其他学校的教师（外校成员只读）。"
    )
    start_date = forms.DateField(label="开始日期", widget=DATE, required=False)
    end_date = forms.DateField(label="计划结题日期", widget=DATE, required=False)
    stage_due = forms.DateField(label="本阶段截止", widget=DATE, required=False, help_text="逾期会提醒主持人。")
    visibility = forms.ChoiceField(label="公开范围", choices=Visibility.choices, initial=Visibility.SCHOOL)
    summary = forms.CharField(label="研究内容简介", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the copy the editor loaded

    def __init__(self, *args, leaders=None, members=None, lock_leader=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        self.fields["members"].queryset = members
        self.fields["members"].widget.attrs["size"] = 8
        if lock_leader:
            self.fields["leader"].disabled = True


class DocumentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="材料类型", choices=DocKind.choices)
    file = forms.FileField(label="文件", help_text="PDF、Word、Excel、PPT 或图片，最大 20 MB。")


class AdvanceForm(StyledFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label="进入阶段", choices=Stage.choices)
    entered_on = forms.DateField(label="日期", widget=DATE, required=False, help_text="留空为今天。")
    decision = forms.CharField(label="批准文号/决定", max_length=200, required=False, help_text="上级课题的立项、结题须填写。")
    due_on = forms.DateField(label="下一阶段截止", widget=DATE, required=False, help_text="留空按常规周期推算。")
    note = forms.CharField(label="说明", max_length=500, required=False, help_text="撤销须写明原因。")

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["to_stage"].choices = choices


class AchievementForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=AchievementKind.choices)
    title = forms.CharField(label="名称", max_length=200, help_text="论文题目、课题名称或奖项名称")
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    rank = forms.ChoiceField(label="等次", choices=Rank.choices, initial=Rank.FIRST)
    issuer = forms.CharField(label="颁发单位/刊物", max_length=100)
    date = forms.DateField(label="获奖/发表日期", widget=DATE)
    honour_kind = forms.ChoiceField(
        label="荣誉称号", choices=[("", "—"), *HonourKind.choices], required=False, help_text="类别为荣誉称号时选择"
    )
    students = forms.CharField(label="获奖学生", max_length=300, required=False, help_text="指导学生获奖时填写，如：三(2)班 王小明")
    teachers = forms.ModelMultipleChoiceField(
        label="署名教师", queryset=None, required=False, help_text="合作成果选上每位老师，按人数平分份额。"
    )
    shares = forms.CharField(
        label="份额",
        max_length=100,
        required=False,
        help_text="合作成果可按上面名单的先后填写各人份额，如 0.6、0.4（或 60、40）；留空则平分。",
    )
    project = forms.ModelChoiceField(label="所属课题", queryset=None, required=False)
    evidence = forms.FileField(
        label="拍照上传证书/刊物页",
        help_text="手机上直接打开相机；图片或 PDF，最大 10 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the copy the editor loaded

    def __init__(self, *args, teachers=None, projects=None, evidence_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = teachers
        self.fields["teachers"].widget.attrs["size"] = 6
        self.fields["project"].queryset = projects
        # Not `required` in HTML: the photo may come through the second input (a PDF, an existing
        # photo) of the same name; the service says so in Chinese when neither was given.
        self.fields["evidence"].required = False
        if not evidence_required:
            self.fields["evidence"].help_text = "不更换证明可留空。"

    def clean_shares(self) -> list[Decimal] | None:
        """ "0.6、0.4" or "60、40" → [0.6, 0.4]; the service checks they match the teachers and add up to 1."""
        raw = (self.cleaned_data.get("shares") or "").strip()
        if not raw:
            return None
        try:
            values = [Decimal(p.rstrip("%％")) for p in re.split(r"[、,，;；/\s]+", raw) if p]
        except InvalidOperation:
            raise forms.ValidationError("份额请填数字，如 0.6、0.4。") from None
        if values and sum(values) > Decimal("1.011"):  # written as percentages
            values = [v / 100 for v in values]
        return values or None


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="退回理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Excel 文件 (.xlsx)", help_text="表头：工号、姓名、类别、名称、级别、等次、颁发单位、日期，可选 合作者工号、获奖学生。"
    )


class RuleForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=[("", "所有类别"), *AchievementKind.choices], required=False)
    level = forms.ChoiceField(label="级别", choices=[("", "—"), *Level.choices], required=False)
    rank = forms.ChoiceField(label="等次", choices=[("", "任何等次"), *Rank.choices], required=False)
    points = forms.DecimalField(label="积分", max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False)


RuleFormSet = forms.formset_factory(RuleForm, extra=3, max_num=60)
