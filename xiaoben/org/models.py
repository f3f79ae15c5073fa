"""Places and people: regions, schools, years and terms, groups, teachers, roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoben.core.models import TimeStampedModel, VersionedModel

from .choices import (
    Education,
    Gender,
    GroupKind,
    HonourKind,
    HonourLevel,
    MemberRole,
    RegionKind,
    Role,
    Stage,
    Title,
)

NEW_TEACHER_YEARS = 3


class Region(TimeStampedModel):
    """省 › 市 › 区县 › 片区; alliances (联盟) are regions that schools join."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级"))
    code = models.CharField(_("代码"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class School(TimeStampedModel):
    """The tenant: every school-owned row carries `school`."""

    name = models.CharField(_("校名"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    code = models.CharField(_("学校代码"), max_length=30, unique=True)
    stage = models.CharField(_("学段"), max_length=20, choices=Stage.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schools", verbose_name=_("所属区域"))
    alliances = models.ManyToManyField(
        Region, blank=True, related_name="member_schools", verbose_name=_("教研联盟"), limit_choices_to={"kind": RegionKind.ALLIANCE}
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    settings = models.JSONField(_("学校设置"), default=dict, blank=True)

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def setting(self, key: str, default: Any = None) -> Any:  # settings are JSON
        """School-level settings (补录 days, similarity threshold, hour targets…)."""
        return (self.settings or {}).get(key, default)


class SchoolYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="school_years", verbose_name=_("学校"))
    start_year = models.PositiveSmallIntegerField(_("起始年份"))

    class Meta:
        verbose_name = _("学年")
        verbose_name_plural = _("学年")
        ordering = ["-start_year"]
        constraints = [models.UniqueConstraint(fields=["school", "start_year"], name="uniq_school_year")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}学年"


class Term(models.Model):
    """第一学期 Sep–Jan, 第二学期 Feb–Jul. `holiday_weeks` are week numbers
    (第N周) without teaching: 国庆, 期中考试周…"""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms", verbose_name=_("学校"))
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms", verbose_name=_("学年"))
    number = models.PositiveSmallIntegerField(_("学期"), choices=[(1, _("第一学期")), (2, _("第二学期"))])
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    holiday_weeks = models.JSONField(_("不上课的周"), default=list, blank=True)

    class Meta:
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        ordering = ["-start_date"]
        constraints = [models.UniqueConstraint(fields=["school_year", "number"], name="uniq_term_number")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.school_year.name}{'第一学期' if self.number == 1 else '第二学期'}"

    @property
    def first_monday(self) -> dt.date:
        return self.start_date - dt.timedelta(days=self.start_date.weekday())

    @property
    def week_count(self) -> int:
        return self.week_of(self.end_date)

    def week_of(self, day: dt.date) -> int:
        """第N周: week 1 is the week (Monday–Sunday) holding the first day of term."""
        return (day - self.first_monday).days // 7 + 1

    def week_range(self, week: int) -> tuple[dt.date, dt.date]:
        monday = self.first_monday + dt.timedelta(weeks=week - 1)
        return monday, monday + dt.timedelta(days=6)

    def teaching_weeks(self, upto: dt.date | None = None) -> list[int]:
        """Week numbers with teaching, up to and including the week of `upto`: not a holiday
        week (`holiday_weeks`) and with at least one school day in the school calendar."""
        from .calendar import for_term

        last = self.week_count if upto is None else min(self.week_count, max(0, self.week_of(upto)))
        holidays = set(self.holiday_weeks or [])
        cal = for_term(self)
        out = []
        for w in range(1, last + 1):
            if w in holidays:
                continue
            monday, sunday = self.week_range(w)
            if cal.school_days(max(monday, self.start_date), min(sunday, self.end_date)):
                out.append(w)
        return out

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class CalendarDay(models.Model):
    """A school's own special day, over the national default (`org/calendar.py`):
    a holiday, a 调休 working day (following some weekday's timetable), an exam day,
    or a national holiday on which this school has lessons after all."""

    KIND_CHOICES = [
        ("holiday", _("放假")),
        ("workday", _("调休上班")),
        ("exam", _("考试")),
        ("school_day", _("照常上课")),
    ]
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="calendar_days", verbose_name=_("学校"))
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=20, choices=KIND_CHOICES)
    name = models.CharField(_("名称"), max_length=40, blank=True, help_text=_("如：元旦、期中考试、运动会"))
    follows_weekday = models.PositiveSmallIntegerField(
        _("按星期几课表"), null=True, blank=True, choices=[(i, f"周{'一二三四五六日'[i]}") for i in range(7)]
    )

    class Meta:
        verbose_name = _("校历日")
        verbose_name_plural = _("校历日")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="uniq_calendar_day")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Teacher(TimeStampedModel, VersionedModel):
    """A teacher's profile (SPEC §1). Personal data (birth date, phone) is shown only
    to the teacher and their school's admins."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher", verbose_name=_("账号"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="teachers", verbose_name=_("学校"))
    staff_no = models.CharField(_("工号"), max_length=30)
    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(_("拼音首字母"), max_length=20, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    teaching_since = models.DateField(_("参加教学工作时间"), null=True, blank=True)
    joined_on = models.DateField(
        _("入校时间"),
        null=True,
        blank=True,
        help_text=_("到本校工作的日期；量化要求、学时和考核从学期（学年）开始与入校时间中较晚者算起。留空表示学期开始前已在本校。"),
    )
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, default=Education.BACHELOR)
    title = models.CharField(_("职称"), max_length=20, choices=Title.choices, default=Title.NONE)
    subject = models.CharField(_("主教学科"), max_length=20, blank=True)
    other_subjects = models.CharField(_("兼教学科"), max_length=100, blank=True)
    grades = models.JSONField(_("任教年级"), default=list, blank=True)
    classes = models.CharField(_("任教班级"), max_length=100, blank=True, help_text=_("如：三(2)班、三(3)班"))
    is_head_teacher = models.BooleanField(_("班主任"), default=False)
    is_active = models.BooleanField(_("在职"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("教师")
        verbose_name_plural = _("教师")
        ordering = ["school_id", "staff_no"]
        constraints = [models.UniqueConstraint(fields=["school", "staff_no"], name="uniq_school_staff_no")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:teacher_detail", args=[self.pk])

    @property
    def phone(self) -> str | None:
        return self.user.phone

    def age(self, on: dt.date | None = None) -> int | None:
        if not self.birth_date:
            return None
        on = on or dt.date.today()
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))

    def teaching_years(self, on: dt.date | None = None) -> int | None:
        """教龄 in whole years."""
        if not self.teaching_since:
            return None
        on = on or dt.date.today()
        years = on.year - self.teaching_since.year - ((on.month, on.day) < (self.teaching_since.month, self.teaching_since.day))
        return max(0, years)

    def is_new(self, on: dt.date | None = None) -> bool:
        """新教师: in the first three years of teaching (教龄 ≤ 3)."""
        years = self.teaching_years(on)
        return years is not None and years < NEW_TEACHER_YEARS

    def judged_from(self, start: dt.date) -> dt.date:
        """The day this teacher is judged from in a period starting `start`: the later of
        the period start, the day they joined this school and the day they began teaching."""
        return max(d for d in (start, self.joined_on, self.teaching_since) if d is not None)

    @property
    def title_band(self) -> str:
        from .choices import TITLE_BANDS

        return TITLE_BANDS.get(self.title, "未评")

    @property
    def grade_names(self) -> str:
        from .choices import GRADE_NAMES

        return "、".join(GRADE_NAMES.get(g, str(g)) for g in (self.grades or []))


class TeacherHonour(models.Model):
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="honours", verbose_name=_("教师"))
    level = models.CharField(_("级别"), max_length=20, choices=HonourLevel.choices)
    kind = models.CharField(_("称号"), max_length=20, choices=HonourKind.choices)
    name = models.CharField(_("称号名称"), max_length=30, blank=True, help_text=_("其他荣誉的原称号，如 优秀班主任"))
    year = models.PositiveSmallIntegerField(_("获评年份"), null=True, blank=True)

    class Meta:
        verbose_name = _("荣誉称号")
        verbose_name_plural = _("荣誉称号")
        constraints = [models.UniqueConstraint(fields=["teacher", "level", "kind", "name"], name="uniq_teacher_honour_name")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.kind_label}"

    @property
    def kind_label(self) -> str:
        """优秀班主任 for an 其他荣誉 that kept its name; 骨干教师 for the five fixed kinds."""
        return self.name if self.kind == HonourKind.OTHER and self.name else str(self.get_kind_display())


class Group(TimeStampedModel):
    """教研组 / 备课组 / 年级组 / 课题组 / 名师工作室. A 备课组 sits under a 教研组."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="groups", verbose_name=_("学校"))
    kind = models.CharField(_("类型"), max_length=20, choices=GroupKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("所属教研组")
    )
    subject = models.CharField(_("学科"), max_length=20, blank=True)
    grade = models.PositiveSmallIntegerField(_("年级"), null=True, blank=True)
    members = models.ManyToManyField(Teacher, through="GroupMembership", related_name="member_groups", verbose_name=_("成员"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("小组")
        verbose_name_plural = _("小组")
        ordering = ["school_id", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_school_group_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:group_detail", args=[self.pk])


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("小组"))
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("教师"))
    role = models.CharField(_("职务"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        constraints = [models.UniqueConstraint(fields=["group", "teacher"], name="uniq_group_member")]

    @property
    def leads(self) -> bool:
        return self.role in (MemberRole.LEADER, MemberRole.DEPUTY)


class RoleAssignment(TimeStampedModel):
    """Stored roles. 教研组长 and 教师 are derived (group leadership, teacher profile)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("学校")
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("区域")
    )
    subjects = models.CharField(_("负责学科"), max_length=200, blank=True, help_text=_("教研员可限定学科，用顿号分隔；留空为全部学科"))
    title = models.CharField(_("职务名称"), max_length=40, blank=True, help_text=_("如：教导主任、教科室主任"))

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["user", "role", "school", "region"], name="uniq_role_assignment")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def subject_list(self) -> list[str]:
        return [s for s in self.subjects.replace("，", "、").replace(",", "、").split("、") if s]
