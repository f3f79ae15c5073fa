from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoben.core.forms import StyledFormMixin

from .models import SchoolVisit, VisitKind


class VisitForm(StyledFormMixin, forms.Form):
    school = forms.ModelChoiceField(queryset=None, label=_("学校"))
    kind = forms.ChoiceField(choices=VisitKind.choices, label=_("类型"))
    visited_on = forms.DateField(label=_("视导日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    focus = forms.CharField(label=_("视导重点"), max_length=200)
    documents_checked = forms.CharField(label=_("查阅资料"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label=_("发现的问题与亮点"), widget=forms.Textarea(attrs={"rows": 5}))
    suggestions = forms.CharField(label=_("整改建议"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class LessonForm(StyledFormMixin, forms.Form):
    teacher = forms.ModelChoiceField(queryset=None, label=_("授课教师"))
    lesson_title = forms.CharField(label=_("课题"), max_length=200)
    subject = forms.CharField(label=_("学科"), max_length=20, required=False)
    period = forms.IntegerField(label=_("节次"), min_value=1, max_value=12, required=False)
    comment = forms.CharField(label=_("评课意见"), widget=forms.Textarea(attrs={"rows": 4}))
    observation = forms.ModelChoiceField(queryset=None, label=_("关联听课记录（可选）"), required=False)

    def __init__(self, *args, teachers, observations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers
        self.fields["observation"].queryset = observations


class ResponseForm(StyledFormMixin, forms.Form):
    response = forms.CharField(label=_("整改反馈"), widget=forms.Textarea(attrs={"rows": 6}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the visit as the reply was written against


__all__ = ["LessonForm", "ResponseForm", "SchoolVisit", "VisitForm"]


class CrossActivityForm(StyledFormMixin, forms.Form):
    cross_kind = forms.ChoiceField(choices=[("regional", _("区域教研")), ("cluster", _("联片教研"))], label=_("类型"))
    title = forms.CharField(label=_("主题/内容"), max_length=180)
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    place = forms.CharField(label=_("地点"), max_length=100)
    host = forms.ModelChoiceField(queryset=None, label=_("主持人/中心发言人"))
    recorder = forms.ModelChoiceField(queryset=None, label=_("记录人"))
    schools = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("邀请学校（全体教师）"))
    groups = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("邀请教研组"))
    teachers = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("邀请教师"))
    description = forms.CharField(label=_("活动议程"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, schools, alliance=None, **kwargs):
        from xiaoben.org.models import Group, Teacher

        super().__init__(*args, **kwargs)
        if alliance is not None:  # a 联盟 activity: its kind is fixed
            self.fields["cross_kind"].choices = [("alliance", _("联盟教研"))]
            self.fields["cross_kind"].initial = "alliance"
        teachers = Teacher.objects.filter(school__in=schools, is_active=True).select_related("school").order_by("school_id", "staff_no")
        self.fields["host"].queryset = teachers
        self.fields["recorder"].queryset = teachers
        self.fields["teachers"].queryset = teachers
        self.fields["schools"].queryset = schools
        self.fields["groups"].queryset = (
            Group.objects.filter(school__in=schools, kind="subject").select_related("school").order_by("school_id", "name")
        )
        for f in ("host", "recorder", "teachers"):
            self.fields[f].label_from_instance = lambda t: f"{t.name}（{t.school.short_name or t.school.name}）"
        self.fields["groups"].label_from_instance = lambda g: f"{g.school.short_name or g.school.name} · {g.name}"


class AllianceForm(StyledFormMixin, forms.Form):
    lead_school = forms.ModelChoiceField(queryset=None, required=False, label=_("牵头学校"))
    description = forms.CharField(label=_("联盟简介"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_school"].queryset = members
