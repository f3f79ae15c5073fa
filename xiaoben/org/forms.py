"""Forms of the school admin pages. They parse and check input; the writes are in services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError

from xiaoben.core.forms import StyledFormMixin

from . import roster, services
from .choices import GRADE_NAMES, STAGE_GRADES, SUBJECTS, Education, Gender, GroupKind, Title
from .models import Group, School, Teacher, Term
from .selectors import today

MAX_WEEKS = services.MAX_TERM_WEEKS


def _subject_choices(blank: str = "—") -> list[tuple[str, str]]:
    return [("", blank)] + [(s, s) for s in SUBJECTS]


class TeacherForm(StyledFormMixin, forms.Form):
    staff_no = forms.CharField(label="工号", max_length=30)
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=[("", "请选择"), *Gender.choices])
    phone = forms.CharField(label="手机号", max_length=20, required=False, help_text="可用于登录；不能与他人重复。")
    birth_date = forms.DateField(label="出生日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    teaching_since = forms.DateField(
        label="参加教学工作时间", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="用于计算教龄和新教师。"
    )
    joined_on = forms.DateField(
        label="入校时间",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="到本校工作的日期；量化要求和学时从学期开始与入校时间中较晚者算起。",
    )
    education = forms.ChoiceField(label="学历", choices=Education.choices, initial=Education.BACHELOR)
    title = forms.ChoiceField(label="职称", choices=Title.choices, initial=Title.NONE)
    subject = forms.ChoiceField(label="主教学科", choices=_subject_choices(), required=False)
    other_subjects = forms.MultipleChoiceField(
        label="兼教学科", choices=[(s, s) for s in SUBJECTS], required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    grades = forms.MultipleChoiceField(
        label="任教年级", required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-selectgroup-input"})
    )
    classes = forms.CharField(label="任教班级", max_length=100, required=False, help_text="如：三(2)班、三(3)班")
    is_head_teacher = forms.BooleanField(label="班主任", required=False)
    honours = forms.CharField(
        label="荣誉称号",
        required=False,
        max_length=300,
        help_text="级别+称号，多个用顿号分隔，可注明年份，如：县级骨干教师(2022)、市级教坛新秀。级别：国家级、省级、市级、县级、校级；称号：名师、学科带头人、骨干教师、教坛新秀、特级教师。",
    )

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, school: School, teacher: Teacher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school, self.teacher = school, teacher
        cast(forms.ChoiceField, self.fields["grades"]).choices = [
            (str(g), GRADE_NAMES[g]) for g in STAGE_GRADES.get(school.stage, range(1, 13))
        ]
        if teacher is not None:
            self.fields["staff_no"].disabled = True
            self.fields["staff_no"].help_text = "工号是账号的一部分，不能修改。"

    @classmethod
    def initial_for(cls, teacher: Teacher) -> dict[str, Any]:
        return {
            "version": teacher.version,
            "staff_no": teacher.staff_no,
            "name": teacher.name,
            "gender": teacher.gender,
            "phone": teacher.user.phone or "",
            "birth_date": teacher.birth_date,
            "teaching_since": teacher.teaching_since,
            "joined_on": teacher.joined_on,
            "education": teacher.education,
            "title": teacher.title,
            "subject": teacher.subject,
            "other_subjects": [s for s in teacher.other_subjects.split("、") if s],
            "grades": [str(g) for g in teacher.grades or []],
            "classes": teacher.classes,
            "is_head_teacher": teacher.is_head_teacher,
            "honours": roster.honours_text(teacher.honours.all()),
        }

    def clean_staff_no(self) -> str:
        staff_no: str = self.cleaned_data["staff_no"].strip()
        if self.teacher is None and Teacher.objects.filter(school=self.school, staff_no=staff_no).exists():
            raise ValidationError(f"工号 {staff_no} 已存在。")
        return staff_no

    def clean_phone(self) -> str:
        try:
            phone = services.phone_normalise(self.cleaned_data["phone"])
            services.phone_check_free(phone, user_id=self.teacher.user_id if self.teacher is not None else None)
        except ValidationError as e:
            raise ValidationError(e.messages) from None
        return phone

    def clean_honours(self) -> list[tuple[str, str, str, int | None]]:
        return roster.parse_honours(self.cleaned_data["honours"])

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # a Form's clean returns its cleaned_data
        try:
            services.teacher_dates_check(birth_date=data.get("birth_date"), teaching_since=data.get("teaching_since"), today=today())
        except ValidationError as e:
            self.add_error(None, e)
        return data

    def profile(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"].strip(),
            "gender": d["gender"],
            "birth_date": d["birth_date"],
            "teaching_since": d["teaching_since"],
            "joined_on": d["joined_on"],
            "education": d["education"],
            "title": d["title"],
            "subject": d["subject"],
            "other_subjects": "、".join(d["other_subjects"]),
            "grades": sorted(int(g) for g in d["grades"]),
            "classes": d["classes"].strip(),
            "is_head_teacher": d["is_head_teacher"],
        }


if TYPE_CHECKING:
    _TeacherField = forms.ModelMultipleChoiceField[Teacher]
else:  # the form field classes are generic for the type checker only
    _TeacherField = forms.ModelMultipleChoiceField


class TeacherChoiceField(_TeacherField):
    def label_from_instance(self, t: Teacher) -> str:
        return f"{t.name}（{t.staff_no}{'，' + t.subject if t.subject else ''}）"


class GroupForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=GroupKind.choices)
    name = forms.CharField(label="名称", max_length=60, help_text="如：语文组、三年级数学备课组")
    parent = forms.ModelChoiceField(label="所属教研组", queryset=Group.objects.none(), required=False, help_text="备课组必填。")
    subject = forms.CharField(
        label="学科", max_length=20, required=False, help_text="教研组填学科或“综合”；备课组留空则取所属教研组的学科。"
    )
    grade = forms.TypedChoiceField(label="年级", required=False, coerce=int, empty_value=None)
    leaders = TeacherChoiceField(label="组长", queryset=Teacher.objects.none(), widget=forms.SelectMultiple(attrs={"size": 6}))
    deputies = TeacherChoiceField(
        label="副组长", queryset=Teacher.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    members = TeacherChoiceField(
        label="组员",
        queryset=Teacher.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="按住 Ctrl（苹果电脑按 ⌘）可多选；手机上点选即可。",
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, school: School, group: Group | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school, self.group = school, group
        parents = Group.objects.filter(school=school, kind=GroupKind.SUBJECT, is_active=True)
        if group is not None:
            parents = parents.exclude(pk=group.pk)
        cast("forms.ModelChoiceField[Group]", self.fields["parent"]).queryset = parents
        staff = Teacher.objects.filter(school=school, is_active=True).order_by("staff_no")
        for key in ("leaders", "deputies", "members"):
            cast(TeacherChoiceField, self.fields[key]).queryset = staff
        cast(forms.ChoiceField, self.fields["grade"]).choices = [("", "—")] + [
            (g, GRADE_NAMES[g]) for g in STAGE_GRADES.get(school.stage, range(1, 13))
        ]
        if group is None:
            del self.fields["is_active"]

    @classmethod
    def initial_for(cls, group: Group) -> dict[str, Any]:
        by_role: dict[str, list[int]] = {"leader": [], "deputy": [], "member": []}
        for tid, role in group.memberships.values_list("teacher_id", "role"):
            by_role[role].append(tid)
        return {
            "kind": group.kind,
            "name": group.name,
            "parent": group.parent_id,
            "subject": group.subject,
            "grade": group.grade,
            "leaders": by_role["leader"],
            "deputies": by_role["deputy"],
            "members": by_role["member"],
            "is_active": group.is_active,
        }

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # a Form's clean returns its cleaned_data
        if data.get("kind") and data.get("name"):
            try:
                services.group_shape_check(
                    school_id=self.school.pk,
                    kind=data["kind"],
                    name=data["name"],
                    parent=data.get("parent"),
                    group_id=self.group.pk if self.group is not None else None,
                )
            except ValidationError as e:
                self.add_error(None, e)
        try:
            services.group_roles_check(leader_ids=data.get("leaders") or [], deputy_ids=data.get("deputies") or [])
        except ValidationError as e:
            self.add_error(None, e)
        return data


class TermForm(StyledFormMixin, forms.Form):
    start_year = forms.IntegerField(label="学年起始年份", min_value=2000, max_value=2100, help_text="2026-2027学年填 2026。")
    number = forms.TypedChoiceField(label="学期", choices=[(1, "第一学期"), (2, "第二学期")], coerce=int)
    start_date = forms.DateField(label="开学日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    holiday_weeks = forms.TypedMultipleChoiceField(
        label="不上课的周",
        choices=[(w, f"第{w}周") for w in range(1, MAX_WEEKS + 1)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-selectgroup-input"}),
        help_text="国庆、期中考试周等不排教研活动的周。第1周是开学日所在的那一周（周一至周日）。",
    )

    def __init__(self, *args: Any, term: Term | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if term is not None:
            for key in ("start_year", "number"):
                self.fields[key].disabled = True

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # a Form's clean returns its cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            try:
                services.term_dates_check(start, end)
            except ValidationError as e:
                self.add_error(None, e)
        return data


class RosterImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="教师名册（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    initial_password = forms.CharField(
        label="新账号初始密码",
        max_length=40,
        required=False,
        help_text="只用于本次新建的账号；教师用工号或手机号登录后必须先修改密码。已有账号的密码不变。至少8位，含字母和数字。",
    )
    dry_run = forms.BooleanField(label="只检查，不导入（预览）", required=False, initial=True)


class CalendarDayForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="类型",
        choices=[("holiday", "放假"), ("workday", "调休上班"), ("exam", "考试"), ("school_day", "照常上课（取消国家假日）")],
    )
    name = forms.CharField(label="名称", max_length=40, required=False, help_text="如：元旦、期中考试、运动会")
    follows_weekday = forms.TypedChoiceField(
        label="按星期几课表",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(str(i), f"周{'一二三四五'[i]}") for i in range(5)],
        help_text="仅调休上班：这一天上哪天的课，如“周一”。",
    )
