from django import forms

from xiaoben.core.forms import StyledFormMixin

from .models import ReflectionKind, Visibility, WritingKind


class WritingForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=WritingKind.choices, initial=WritingKind.REFLECTION)
    sub_kind = forms.ChoiceField(label="反思类型", choices=[("", "—"), *ReflectionKind.choices], required=False)
    title = forms.CharField(label="标题", max_length=200, required=False)
    written_on = forms.DateField(
        label="写作日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        error_messages={"invalid": "写作日期的格式不对，请按 2026-11-18 的样子填写或从日历中选择。"},
    )
    book = forms.TypedChoiceField(label="书目（读书笔记、读后感）", coerce=int, required=False, empty_value=None)
    visibility = forms.ChoiceField(label="可见范围", choices=Visibility.choices, initial=Visibility.SCHOOL, required=False)
    observation = forms.TypedChoiceField(label="关联听课（可选）", coerce=int, required=False, empty_value=None)
    activity = forms.TypedChoiceField(label="关联活动（可选）", coerce=int, required=False, empty_value=None)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"hidden": True}), required=False, max_length=200000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, books=(), observations=(), activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["book"].choices = [("", "—")] + [(b.pk, f"《{b.title}》") for b in books]
        self.fields["observation"].choices = [("", "—")] + [
            (o.pk, f"{o.lesson_date:%m-%d} {o.teacher.name}《{o.lesson_title or '未填课题'}》") for o in observations
        ]
        self.fields["activity"].choices = [("", "—")] + [(a.pk, f"{a.title}") for a in activities]
        self.fields["body"].error_messages["max_length"] = "正文过长（超过20万字符），请分篇保存。"


class ReviewForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label="审阅意见", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    excellent = forms.BooleanField(label="评为优秀", required=False)


class BookForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="书名", max_length=200)
    author = forms.CharField(label="作者", max_length=100, required=False)
    isbn = forms.CharField(label="ISBN（可不填）", max_length=20, required=False)


class RecommendedForm(BookForm):
    note = forms.CharField(label="推荐理由", max_length=300, required=False)


class ThresholdForm(StyledFormMixin, forms.Form):
    percent = forms.IntegerField(
        label="复制比提醒阈值（%）",
        min_value=5,
        max_value=100,
        help_text="复制比达到该值的文章标为“疑似雷同”，提醒审阅人审核（常用 30%）。",
    )
    counts_before_review = forms.BooleanField(
        label="疑似雷同的文章在审核前也计入统计", required=False, help_text="不勾选（默认）：审阅人核实为原创后才计入量化要求。"
    )


class ReferenceTextForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False)
    origin = forms.CharField(label="来源", max_length=200, required=False, help_text="例如：某范文网站、某教案集")
    body = forms.CharField(label="正文（粘贴）", required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=200000)
    file = forms.FileField(label="或上传 .docx / .txt", required=False)
