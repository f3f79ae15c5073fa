from django import forms

from xiaoben.core.forms import StyledFormMixin

from .models import Direction, EvaluationRole, Grade


def kind_choices():
    from xiaoben.observations.models import ObservationKind

    return [("", "任意课型"), *ObservationKind.choices]


class ReportForm(StyledFormMixin, forms.Form):
    work_done = forms.CharField(
        label="本月指导内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="备课、上课、批改作业、命题、辅导等方面做了什么，有什么收获。",
    )
    next_plan = forms.CharField(label="下月打算", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="指导记录", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class EvaluationForm(StyledFormMixin, forms.Form):
    grade = forms.ChoiceField(label="等第", choices=[("", "—"), *Grade.choices], required=False)
    comment = forms.CharField(label="评语", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        if role.startswith("school_"):
            self.fields["grade"].required = True
            self.fields["grade"].choices = Grade.choices
        self.role_label = EvaluationRole(role).label


class QuotaRuleForm(StyledFormMixin, forms.Form):
    label = forms.CharField(label="名称", max_length=60, required=False)
    direction = forms.ChoiceField(label="听课方向", choices=Direction.choices)
    kind = forms.ChoiceField(label="课型", choices=(), required=False)
    target = forms.IntegerField(label="每学年不少于（节）", min_value=1, max_value=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()


QuotaRuleFormSet = forms.formset_factory(QuotaRuleForm, extra=2, max_num=20)


class PairEditForm(StyledFormMixin, forms.Form):
    mentor = forms.TypedChoiceField(label="师傅", coerce=int, choices=())
    goals = forms.CharField(label="结对目标", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    is_active = forms.BooleanField(label="结对有效", required=False)

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [(m.pk, f"{m.name}（{m.subject}）") for m in mentors]
