from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaoben.core.forms import StyledFormMixin
from xiaoben.org.choices import GRADE_NAMES

from .models import Edition, Resource, ResourceKind, Visibility, Volume

SUBJECTS = [
    "语文",
    "数学",
    "英语",
    "科学",
    "物理",
    "化学",
    "生物",
    "道德与法治",
    "历史",
    "地理",
    "音乐",
    "美术",
    "体育与健康",
    "信息科技",
    "综合实践",
]
GRADE_CHOICES = [("", "—")] + [(k, v) for k, v in GRADE_NAMES.items()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ResourceForm(StyledFormMixin, forms.ModelForm):
    subject = forms.ChoiceField(label=_("学科"), choices=[("", "—")] + [(s, s) for s in SUBJECTS], required=False)
    grade = forms.TypedChoiceField(label=_("年级"), choices=GRADE_CHOICES, coerce=int, empty_value=None, required=False)
    volume = forms.TypedChoiceField(label=_("册"), choices=[("", "—"), *Volume.choices], coerce=int, empty_value=None, required=False)
    visibility = forms.ChoiceField(label=_("共享范围"), choices=Visibility.choices, initial=Visibility.SCHOOL)
    group = forms.ModelChoiceField(label=_("小组"), queryset=None, required=False, help_text=_("共享到“本组”时选择"))

    class Meta:
        model = Resource
        fields = ["kind", "title", "description", "subject", "grade", "edition", "volume", "catalogue", "unit", "keywords"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, catalogue_qs=None, group_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = catalogue_qs if catalogue_qs is not None else self.fields["catalogue"].queryset.none()
        if not self.is_bound:
            # Offer the units of the resource's subject/grade only; choosing a subject, edition or
            # grade reloads the list (htmx). A bound form validates against the whole catalogue.
            inst = self.instance
            qs = qs.filter(subject=inst.subject, grade=inst.grade) if inst.subject and inst.grade else qs.none()
        self.fields["catalogue"].queryset = qs
        self.fields["catalogue"].required = False
        self.fields["catalogue"].label = _("教材单元")
        self.fields["unit"].label = _("单元/章节（目录中没有时填写）")
        self.fields["catalogue"].widget.attrs.update(
            {
                "hx-get": reverse("resources:catalogue_options"),
                "hx-trigger": "change from:#id_subject, change from:#id_edition, change from:#id_grade",
                "hx-include": "#id_subject,#id_edition,#id_grade",
            }
        )
        self.fields["group"].queryset = group_qs
        self.fields["kind"].choices = ResourceKind.choices
        self.fields["edition"].choices = [("", "—"), *Edition.choices]


class UploadForm(StyledFormMixin, forms.Form):
    design = MultipleFileField(label=_("教案/教学设计"), required=False)
    slides = MultipleFileField(label=_("课件"), required=False)
    video = MultipleFileField(label=_("课堂实录/视频"), required=False, widget=MultipleFileInput(attrs={"accept": "video/*"}))
    other = MultipleFileField(label=_("其他文件"), required=False)

    def files_with_roles(self) -> list[tuple[object, str]]:
        roles = {"design": "design", "slides": "slides", "video": "video", "other": "other"}
        out = []
        for field, role in roles.items():
            for f in self.cleaned_data.get(field) or []:
                out.append((f, role))
        return out


class CatalogueForm(StyledFormMixin, forms.Form):
    subject = forms.ChoiceField(label=_("学科"), choices=[(s, s) for s in SUBJECTS])
    edition = forms.ChoiceField(label=_("教材版本"), choices=Edition.choices)
    grade = forms.TypedChoiceField(label=_("年级"), choices=GRADE_CHOICES[1:], coerce=int)
    volume = forms.TypedChoiceField(label=_("册"), choices=Volume.choices, coerce=int)
    name = forms.CharField(label=_("单元/章节"), max_length=100)
    for_region = forms.BooleanField(label=_("加入区域目录（教研员）"), required=False)


class RoundForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    subject = forms.ChoiceField(label=_("学科"), choices=[(s, s) for s in SUBJECTS])
    grades = forms.TypedMultipleChoiceField(label=_("年级"), choices=GRADE_CHOICES[1:], coerce=int, widget=forms.CheckboxSelectMultiple)
    opens_on = forms.DateField(label=_("报名开始"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("报名截止"), widget=forms.DateInput(attrs={"type": "date"}))
    rubric = forms.CharField(
        label=_("评价量表"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="教学设计 30\n教学实施 40\n教学效果 20\n说课与反思 10",
        help_text=_("每行一项：名称 满分"),
    )
    levels = forms.CharField(
        label=_("等级"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="区优 85\n区良 70\n合格 0",
        help_text=_("每行一级：名称 最低分，从高到低"),
    )
    per_school_limit = forms.IntegerField(label=_("每校推荐上限"), min_value=1, max_value=20, initial=3)
    experts = forms.ModelMultipleChoiceField(label=_("评审专家"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, expert_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = expert_qs

    @staticmethod
    def _pairs(text: str, key: str) -> list[dict]:
        out = []
        for line in (text or "").splitlines():
            bits = line.replace("，", " ").replace(",", " ").split()
            if len(bits) >= 2:
                try:
                    out.append({"name": " ".join(bits[:-1]), key: float(bits[-1])})
                except ValueError:
                    raise forms.ValidationError(_("“%(line)s” 的分数不是数字。") % {"line": line}) from None
        return out

    def clean_rubric(self):
        items = self._pairs(self.cleaned_data["rubric"], "max")
        if not items:
            raise forms.ValidationError(_("请至少设置一个评价项目。"))
        return [{"name": i["name"], "max": int(i["max"])} for i in items]

    def clean_levels(self):
        return self._pairs(self.cleaned_data["levels"], "min")


class NominateForm(StyledFormMixin, forms.Form):
    resource = forms.ModelChoiceField(label=_("课例资源"), queryset=None)
    teacher = forms.ModelChoiceField(label=_("执教教师"), queryset=None, required=False, help_text=_("不选则为资源的作者"))
    talk = forms.CharField(label=_("说课"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)

    def __init__(self, *args, resource_qs=None, teacher_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resource_qs
        self.fields["teacher"].queryset = teacher_qs
