from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q

from xiaoben.core.forms import StyledFormMixin
from xiaoben.org.models import Group, Teacher

from . import reflections, schedule
from .models import Activity, ActivityKind, ActivitySlot, LessonStudySeries, SeriesKind


class TeacherPickerMixin:
    """Options carry the pinyin initials (stored on Teacher, computed with pypinyin) so the
    small local filter in xiaoben.js finds 张晓明 by 张, 晓明 or zxm; no request per keystroke."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)  # type: ignore[misc]
        teacher = getattr(value, "instance", None)
        if teacher is not None:
            option["attrs"]["data-initials"] = teacher.name_initials
            option["attrs"]["data-name"] = teacher.name
        return option


class TeacherSelect(TeacherPickerMixin, forms.Select):
    def __init__(self, attrs=None):
        super().__init__({"data-picker": "teacher", **(attrs or {})})


class TeacherSelectMultiple(TeacherPickerMixin, forms.SelectMultiple):
    def __init__(self, attrs=None):
        super().__init__({"data-picker": "teacher", "size": 8, **(attrs or {})})


class TeacherChoice(forms.ModelChoiceField):
    widget = TeacherSelect

    def label_from_instance(self, obj):
        near = "·本组" if getattr(obj, "is_near", False) else ""
        return f"{obj.name}（{obj.subject or '—'}{near}）"


class TeacherMultipleChoice(forms.ModelMultipleChoiceField):
    widget = TeacherSelectMultiple

    def label_from_instance(self, obj):
        return TeacherChoice.label_from_instance(self, obj)  # type: ignore[arg-type]


def _teachers(school, group_ids=()):
    """The school's teachers, members of `group_ids` (the person's own groups) first."""
    if not school:
        return Teacher.objects.none()
    qs = Teacher.objects.filter(school=school, is_active=True)
    group_ids = list(group_ids or ())
    if not group_ids:
        return qs.order_by("staff_no")
    from django.db.models import Exists, OuterRef

    from xiaoben.org.models import GroupMembership

    near = GroupMembership.objects.filter(teacher_id=OuterRef("pk"), group_id__in=group_ids)
    return qs.annotate(is_near=Exists(near)).order_by("-is_near", "name_initials", "staff_no")


def _groups(scope, school):
    qs = Group.objects.filter(school=school, is_active=True) if school else Group.objects.none()
    if school is not None and not scope.admin_of(school.pk):
        qs = qs.filter(id__in=scope.led_group_ids)
    return qs.order_by("kind", "name")


class ActivityForm(StyledFormMixin, forms.ModelForm):
    host = TeacherChoice(queryset=Teacher.objects.none(), required=False, label="主持人")
    speaker = TeacherChoice(
        queryset=Teacher.objects.none(), required=False, label="中心发言人", help_text="集体备课的主备人、讲座的主讲人；留空则由主持人主讲"
    )
    recorder = TeacherChoice(queryset=Teacher.objects.none(), required=False, label="记录人")
    starts_at = forms.DateTimeField(
        label="开始时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label="结束时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = [
            "kind", "lesson_kind", "title", "group", "starts_at", "ends_at", "place", "host", "speaker", "recorder", "description", "report_for",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, scope, school, **kwargs):
        super().__init__(*args, **kwargs)
        mine = sorted(scope.member_group_ids | scope.led_group_ids)
        self.fields["host"].queryset = _teachers(school, mine)
        self.fields["speaker"].queryset = _teachers(school, mine)
        self.fields["recorder"].queryset = _teachers(school, mine)
        self.fields["group"].queryset = _groups(scope, school)
        self.fields["group"].required = school is not None and not scope.admin_of(school.pk)
        self.fields["report_for"].queryset = (
            Activity.objects.filter(school=school, kind=ActivityKind.OUTSIDE).order_by("-starts_at") if school else Activity.objects.none()
        )
        self.fields["report_for"].help_text = "汇报课/讲座：选择这次汇报对应的外出学习"
        self.fields["lesson_kind"].help_text = "公开课的课型（示范课、研讨课、汇报课……）"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class SlotForm(StyledFormMixin, forms.Form):
    group = forms.ModelChoiceField(queryset=Group.objects.none(), label="组织小组")
    kind = forms.ChoiceField(choices=ActivityKind.choices, initial=ActivityKind.LESSON_PREP, label="活动类型")
    title = forms.CharField(max_length=200, initial="集体备课", label="主题/内容")
    weekday = forms.TypedChoiceField(choices=[(i, f"周{schedule.WEEKDAYS[i]}") for i in range(5)], coerce=int, initial=4, label="每周")
    period = forms.TypedChoiceField(choices=[], coerce=int, initial=3, label="节次")
    place = forms.CharField(max_length=100, label="地点", required=False)
    host = TeacherChoice(queryset=Teacher.objects.none(), required=False, label="主持人")
    recorder = TeacherChoice(queryset=Teacher.objects.none(), required=False, label="记录人")
    start = forms.DateField(label="从哪天起", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=False)
    topics = forms.CharField(
        label="各次主题（可选）",
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "第一单元 识字教学研讨\n第二单元 阅读策略\n第6周：期中复习安排"}),
        help_text="一行一次，按顺序对应第一次、第二次……；行首写“第N周：”可指定周次。没写到的那几次用上面的主题。",
    )
    publish = forms.BooleanField(label="立即发布并通知组员", required=False, initial=True)

    def __init__(self, *args, scope, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = _groups(scope, school)
        mine = sorted(scope.member_group_ids | scope.led_group_ids)
        self.fields["host"].queryset = _teachers(school, mine)
        self.fields["recorder"].queryset = _teachers(school, mine)
        self.fields["period"].choices = schedule.period_choices(school)


class InviteForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(queryset=Group.objects.none(), required=False, label="小组")
    teachers = TeacherMultipleChoice(queryset=Teacher.objects.none(), required=False, label="教师")

    def __init__(self, *args, school, group_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.filter(school=school, is_active=True) if school else Group.objects.none()
        self.fields["teachers"].queryset = _teachers(school, group_ids)
        self.fields["teachers"].widget.attrs.update({"class": "form-select", "aria-label": "教师"})


class ActivitySettingsForm(StyledFormMixin, forms.Form):
    attendance_fix_days = forms.IntegerField(
        label="补签期限（天）",
        min_value=0,
        max_value=60,
        help_text="活动结束后多少天内，主持人或组长还可以补签、更正签到（须写明原因）；过期后只有学校管理员可以。0 表示仅限活动当天。",
    )


class LeaveForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(max_length=200, label="请假事由")


class LessonPrepForm(StyledFormMixin, forms.Form):
    title = forms.CharField(max_length=200, label="课题")
    group = forms.ModelChoiceField(queryset=Group.objects.none(), label="备课组", required=False)
    lead = TeacherChoice(queryset=Teacher.objects.none(), label="主备人")
    activity = forms.ModelChoiceField(queryset=Activity.objects.none(), label="对应的集体备课活动", required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), required=False, label="教案初稿", max_length=100000)
    docx = forms.FileField(required=False, label="或上传 Word 教案（.docx）")

    def __init__(self, *args, scope, school, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = (
            Group.objects.filter(school=school, is_active=True, kind__in=["prep", "subject"]).order_by("kind", "name")
            if school
            else Group.objects.none()
        )
        self.fields["lead"].queryset = _teachers(school)
        self.fields["activity"].queryset = (
            Activity.objects.filter(school=school, term=term, kind=ActivityKind.LESSON_PREP)
            .filter(Q(group_id__in=scope.member_group_ids) | Q(group__isnull=True) if not scope.admin_of(school.pk) else Q())
            .select_related("group")
            .order_by("starts_at")
            if school and term
            else Activity.objects.none()
        )
        self.fields["activity"].label_from_instance = lambda a: f"{a.starts_at:%m-%d} {a.group or ''} {a.title}"


class VersionForm(StyledFormMixin, forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), required=False, label="教案正文", max_length=100000)
    docx = forms.FileField(required=False, label="或上传 Word 教案（.docx）")
    note = forms.CharField(max_length=200, required=False, label="修改说明")


class ReflectionForm(StyledFormMixin, forms.Form):
    reflection = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="教后反思", max_length=20000, required=False)
    writing = forms.ModelChoiceField(queryset=None, required=False, label="或关联我写的教学反思")

    def __init__(self, *args, author=None, **kwargs):
        super().__init__(*args, **kwargs)
        own = reflections.source().own
        latest = list(own(author).values_list("pk", flat=True)[:50]) if author else []
        self.fields["writing"].queryset = own(author).filter(pk__in=latest) if author else own(None).none()
        self.fields["writing"].label_from_instance = lambda w: f"{w.written_on:%m-%d} {w.title}"


class SeriesForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = LessonStudySeries
        fields = ["kind", "title", "group", "goal"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, scope, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = _groups(scope, school)
        self.fields["kind"].choices = SeriesKind.choices


class RoundForm(StyledFormMixin, forms.Form):
    activity = forms.ModelChoiceField(queryset=Activity.objects.none(), label="活动（公开课/研讨课）")
    teacher = TeacherChoice(queryset=Teacher.objects.none(), required=False, label="授课教师")
    note = forms.CharField(max_length=500, required=False, label="本轮改进")

    def __init__(self, *args, school, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = (
            Activity.objects.filter(school=school, term=term)
            .exclude(kind=ActivityKind.LESSON_PREP)
            .exclude(status="cancelled")
            .order_by("starts_at")
        )
        self.fields["activity"].label_from_instance = lambda a: f"{a.starts_at:%m-%d} {a.title}" if a.starts_at else a.title
        self.fields["teacher"].queryset = _teachers(school)


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


__all__ = ["ActivityForm", "ActivitySlot", "SlotForm"]
