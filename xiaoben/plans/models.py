"""研修计划 (SPEC §2.1): where a school's year starts.

A `Plan` belongs to one level — 区域 / 学校 / 教研组·备课组 / 个人 — and one term or
school year. Its text is a list of `PlanSection`s (指导思想, 现状分析, 目标, 内容与措施,
量化要求, 月度安排, 保障措施 or the headings of an imported document); its 月度安排 is
data: `PlanItem`s with a month or week, a kind, who runs them and, once held, the
activities that fulfil them (`Activity.plan_item`).

Versions: an approved (or acknowledged) plan is never edited in place; a new version
(`revision` + 1, `supersedes` the old one) is drafted, reviewed and replaces it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaoben.core.models import TimeStampedModel, VersionedModel


class PlanLevel(models.TextChoices):
    REGION = "region", _("区域研修计划")
    SCHOOL = "school", _("学校校本研修计划")
    GROUP = "group", _("教研组/备课组计划")
    PERSONAL = "personal", _("个人研修计划")


class PlanSpan(models.TextChoices):
    TERM = "term", _("学期")
    YEAR = "year", _("学年")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")  # group plans (by the school); region plans when published
    ACKNOWLEDGED = "acknowledged", _("区里已阅")  # school plans, by the district
    READ = "read", _("组长已阅")  # personal plans, by the group leader


# Statuses after which the plan is read-only: changes go through a new version.
CLOSED = (PlanStatus.APPROVED, PlanStatus.ACKNOWLEDGED, PlanStatus.READ)


class SectionKey(models.TextChoices):
    GUIDING = "guiding", _("指导思想")
    ANALYSIS = "analysis", _("现状分析")
    GOALS = "goals", _("目标")
    CONTENT = "content", _("内容与措施")
    QUOTAS = "quotas", _("量化要求")
    MONTHLY = "monthly", _("月度安排")
    SAFEGUARDS = "safeguards", _("保障措施")
    OTHER = "other", _("其他")


class ItemKind(models.TextChoices):
    """The activity kinds (same codes as `activities.ActivityKind`) and the plan's own
    tasks that are not activities (制定计划, 会议, 总结, 考试, 撰写)."""

    LESSON_PREP = "lesson_prep", _("集体备课")
    SEMINAR = "seminar", _("主题教研")
    LECTURE = "lecture", _("专题讲座/培训")
    OPEN_LESSON = "open_lesson", _("公开课")
    SAME_TOPIC = "same_topic", _("同课异构")
    LESSON_STUDY = "lesson_study", _("一课多研")
    READING = "reading", _("读书交流")
    STUDY = "study", _("理论/业务学习")
    OUTSIDE = "outside", _("外出学习")
    ONLINE = "online", _("网络研修")
    REGIONAL = "regional", _("区域/校际活动")
    COMPETITION = "competition", _("比赛/评比")
    PLANNING = "planning", _("制定计划")
    MEETING = "meeting", _("会议")
    SUMMARY = "summary", _("总结")
    EXAM = "exam", _("考试/质量分析")
    WRITING = "writing", _("撰写论文/案例")
    OTHER = "other", _("其他")


# Item kinds that become 研修活动 (the rest are ticked off by hand).
ACTIVITY_KINDS = frozenset(
    {
        "lesson_prep",
        "seminar",
        "lecture",
        "open_lesson",
        "same_topic",
        "lesson_study",
        "reading",
        "study",
        "outside",
        "online",
        "regional",
        "competition",
    }
)


class ItemOwner(models.TextChoices):
    SCHOOL = "school", _("学校")
    GROUPS = "groups", _("各教研组")
    GROUP = "group", _("指定小组")
    PERSON = "person", _("指定人员")


class ItemState(models.TextChoices):
    OPEN = "open", _("计划中")
    DONE = "done", _("已完成")  # ticked off by hand (a 总结, a 会议)
    DROPPED = "dropped", _("已取消")


class Plan(TimeStampedModel, VersionedModel):
    level = models.CharField(_("层级"), max_length=20, choices=PlanLevel.choices)
    school = models.ForeignKey("org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="plans", verbose_name=_("学校"))
    region = models.ForeignKey("org.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="plans", verbose_name=_("区域"))
    group = models.ForeignKey("org.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="plans", verbose_name=_("小组"))
    teacher = models.ForeignKey(
        "org.Teacher", null=True, blank=True, on_delete=models.CASCADE, related_name="plans", verbose_name=_("教师")
    )
    span = models.CharField(_("周期"), max_length=10, choices=PlanSpan.choices, default=PlanSpan.TERM)
    term = models.ForeignKey("org.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="plans", verbose_name=_("学期"))
    school_year = models.ForeignKey(
        "org.SchoolYear", null=True, blank=True, on_delete=models.PROTECT, related_name="plans", verbose_name=_("学年")
    )
    start_year = models.PositiveSmallIntegerField(_("起始年份"), help_text=_("学年的起始年份，如 2026 表示 2026-2027学年"))
    title = models.CharField(_("标题"), max_length=120)
    status = models.CharField(_("状态"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    revision = models.PositiveSmallIntegerField(_("版本号"), default=1)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions", verbose_name=_("上一版本")
    )
    is_current = models.BooleanField(_("当前有效版本"), default=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", verbose_name=_("复制自")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审阅人")
    )
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    review_comment = models.CharField(_("审阅意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("研修计划")
        verbose_name_plural = _("研修计划")
        ordering = ["-start_year", "level", "-revision"]
        indexes = [models.Index(fields=["school", "level", "is_current"]), models.Index(fields=["term", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=False) | models.Q(region__isnull=False),
                name="plan_school_or_region",
                violation_error_message=_("计划须属于一所学校或一个区域。"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def period_label(self) -> str:
        if self.span == PlanSpan.TERM and self.term_id:
            return self.term.name
        return f"{self.start_year}-{self.start_year + 1}学年"

    @property
    def owner_label(self) -> str:
        if self.level == PlanLevel.PERSONAL and self.teacher_id:
            return self.teacher.name
        if self.level == PlanLevel.GROUP and self.group_id:
            return self.group.name
        if self.level == PlanLevel.REGION and self.region_id:
            return self.region.name
        return self.school.name if self.school_id else ""


class PlanSection(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("计划"))
    key = models.CharField(_("类别"), max_length=20, choices=SectionKey.choices, default=SectionKey.OTHER)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), blank=True, max_length=100000)  # sanitised HTML
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("计划章节")
        verbose_name_plural = _("计划章节")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class PlanItem(TimeStampedModel, VersionedModel):
    """One line of the 月度安排: 十月份 · 集体备课 · 各教研组; or a recurring 每周五集体备课."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("计划"))
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True)
    week = models.PositiveSmallIntegerField(_("周次"), null=True, blank=True, help_text=_("第N周（与学期周次一致）"))
    week_end = models.PositiveSmallIntegerField(_("至第N周"), null=True, blank=True)
    title = models.CharField(_("事项"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=ItemKind.choices, default=ItemKind.OTHER)
    lesson_kind = models.CharField(_("课型"), max_length=20, blank=True)
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    owner = models.CharField(_("负责"), max_length=10, choices=ItemOwner.choices, default=ItemOwner.SCHOOL)
    group = models.ForeignKey(
        "org.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_items", verbose_name=_("负责小组")
    )
    person = models.ForeignKey(
        "org.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_items", verbose_name=_("负责人")
    )
    owner_name = models.CharField(_("负责人（原文）"), max_length=40, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("每周固定星期"), null=True, blank=True, choices=[(i, f"周{'一二三四五六日'[i]}") for i in range(7)]
    )
    period = models.PositiveSmallIntegerField(_("节次"), null=True, blank=True)
    slot = models.ForeignKey(
        "activities.ActivitySlot", null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_items", verbose_name=_("固定时间")
    )
    state = models.CharField(_("状态"), max_length=10, choices=ItemState.choices, default=ItemState.OPEN)
    state_note = models.CharField(_("说明"), max_length=200, blank=True)
    origin = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", verbose_name=_("复制自"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("月度安排事项")
        verbose_name_plural = _("月度安排事项")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["plan", "month"])]

    def __str__(self) -> str:
        return self.title

    @property
    def recurring(self) -> bool:
        return self.weekday is not None

    @property
    def when_label(self) -> str:
        if self.recurring:
            text = f"每{self.get_weekday_display()}"
            return text + (f"第{self.period}节" if self.period else "")
        if self.week:
            return f"第{self.week}-{self.week_end}周" if self.week_end else f"第{self.week}周"
        return f"{self.month}月" if self.month else "—"

    @property
    def owner_label(self) -> str:
        if self.owner == ItemOwner.GROUP and self.group_id:
            return self.group.name
        if self.owner == ItemOwner.PERSON:
            return self.person.name if self.person_id else self.owner_name
        return self.get_owner_display()

    @property
    def makes_activities(self) -> bool:
        return self.kind in ACTIVITY_KINDS


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("批准")
    RETURN = "return", _("退回")
    ACKNOWLEDGE = "acknowledge", _("已阅")
    COMMENT = "comment", _("批注")
    READ = "read", _("已阅")
    NEW_VERSION = "new_version", _("新建版本")


class PlanReview(models.Model):
    """The approval trail: who submitted, approved, sent back (with the reason) and when."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("计划"))
    action = models.CharField(_("操作"), max_length=20, choices=ReviewAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("计划审阅记录")
        verbose_name_plural = _("计划审阅记录")
        ordering = ["created_at", "id"]
