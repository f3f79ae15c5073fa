"""量化要求: every quota a plan states, as data (SPEC §2.1).

A `Requirement` says who it applies to, what it counts (a metric from the
registry in `registry.py` plus JSON filters), over what period and the
threshold. Progress is never stored: the engine (`engine.py`) computes it from
the records each time."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoben.core.models import TimeStampedModel, VersionedModel

if TYPE_CHECKING:
    from .registry import QueryMetric


class Audience:
    """The audience keys requirements itself resolves (`audiences.py`); other apps register
    theirs (mentoring: "mentors", "mentees"). The field's choices come from the registry."""

    ALL = "all"
    GROUP = "group"
    NEW_TEACHERS = "new_teachers"
    GROUP_LEADERS = "group_leaders"
    ROLE = "role"


def _audience_choices() -> list[tuple[str, str]]:
    from .audiences import audience_choices

    return audience_choices()


class Period(models.TextChoices):
    WEEK = "week", _("每周")
    TWO_WEEK = "two_week", _("每两周")
    MONTH = "month", _("每月")
    TERM = "term", _("每学期")
    SCHOOL_YEAR = "school_year", _("每学年")
    YEAR = "year", _("每年（自然年）")
    FIVE_YEAR = "five_year", _("五年周期")


class Source(models.TextChoices):
    STARTER = "starter", _("常用要求")
    IMPORT = "import", _("计划导入")
    MANUAL = "manual", _("手工添加")


class Status(models.TextChoices):
    MET = "met", _("达标")
    ON_TRACK = "on_track", _("进行中")
    BEHIND = "behind", _("落后")


class Requirement(TimeStampedModel, VersionedModel):
    """每学期听课不少于20节: audience=all, metric=observations.given, period=term, threshold=20."""

    school = models.ForeignKey(
        "org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("学校")
    )
    region = models.ForeignKey(
        "org.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requirement_templates",
        verbose_name=_("区域（模板）"),
        help_text=_("区域模板：辖区学校可一键采用"),
    )
    school_year = models.ForeignKey(
        "org.SchoolYear",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("适用学年"),
        help_text=_("留空表示长期有效"),
    )
    name = models.CharField(_("要求"), max_length=100)
    description = models.CharField(_("说明/原文"), max_length=300, blank=True)
    applies_to = models.CharField(_("适用对象"), max_length=20, choices=_audience_choices, default=Audience.ALL)
    group = models.ForeignKey(
        "org.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("小组")
    )
    group_kind = models.CharField(_("组长所在小组类型"), max_length=20, blank=True, help_text=_("仅对“组长”有效；留空为任意小组"))
    role = models.CharField(_("角色"), max_length=20, blank=True, help_text=_("仅对“指定角色”有效，如 principal、school_admin"))
    metric = models.CharField(_("统计项"), max_length=60)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    period = models.CharField(_("周期"), max_length=20, choices=Period.choices, default=Period.TERM)
    threshold = models.DecimalField(_("数量要求"), max_digits=8, decimal_places=1)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=50)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    starter_key = models.CharField(_("常用要求编号"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )
    # a few teachers' own numbers, {"<school year id>:<teacher id>": threshold} — e.g. a
    # second-year 徒弟 whose pair needs fewer (`mentoring.services.pair_quotas_update`);
    # the engine applies them (`engine.apply_overrides`) with no query of its own
    overrides = models.JSONField(_("个人要求"), default=dict, blank=True)

    class Meta:
        verbose_name = _("量化要求")
        verbose_name_plural = _("量化要求")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["school", "active"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=False) | models.Q(region__isnull=False),
                name="requirement_school_or_region",
                violation_error_message=_("请指定学校或区域。"),
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gt=0), name="requirement_threshold_positive", violation_error_message=_("数量要求必须大于0。")
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def metric_obj(self) -> QueryMetric | None:
        from .registry import get_metric

        return get_metric(self.metric)

    @property
    def unit(self) -> str:
        m = self.metric_obj
        if self.period in (Period.WEEK, Period.TWO_WEEK, Period.MONTH):
            return {Period.WEEK.value: "周", Period.TWO_WEEK.value: "个两周"}.get(self.period, "个月")
        return m.unit if m else ""

    @property
    def counts_label(self) -> str:
        """What is counted, in words: 教学反思（篇）, 读书笔记（字）, 听课（节）."""
        m = self.metric_obj
        return f"{m.label_for(self.filters)}（{m.unit}）" if m else self.metric

    def override_for(self, school_year_id: int, teacher_id: int) -> Decimal | None:
        """The teacher's own threshold for this school year, when one is set."""
        v = (self.overrides or {}).get(f"{school_year_id}:{teacher_id}")
        return None if v is None else Decimal(str(v))

    @property
    def is_bucketed(self) -> bool:
        return self.period in (Period.WEEK, Period.TWO_WEEK, Period.MONTH)

    @property
    def audience_label(self) -> str:
        if self.applies_to == Audience.GROUP and self.group_id:
            return str(self.group)
        from .audiences import audience_label

        return audience_label(self.applies_to)


class KeptSeries(models.Model):
    """One school's kept answer to one metric question — `metric.totals/buckets` over a
    date range with filters — so that a district's comparison reads a few rows per teacher
    instead of a term of every school's records (`kept.py`, docs/decisions.md).

    `gen` is bumped (in the writer's transaction) by every write that may change the
    answer; `computed_gen` is the `gen` the kept values were computed at. Fresh iff equal."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)  # sha1 of the question below
    metric = models.CharField(max_length=60, db_index=True)
    filters = models.JSONField(default=dict, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()  # series of long-past windows are pruned (`kept.prune`)
    by = models.CharField(max_length=10, blank=True)  # "", "week" or "month"
    gen = models.PositiveBigIntegerField(default=1)
    computed_gen = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "school"], name="kept_series_key_school")]
        indexes = [models.Index(fields=["school", "metric"])]


class KeptValue(models.Model):
    """A teacher's value in a kept series (per week/month bucket when bucketed)."""

    series = models.ForeignKey(KeptSeries, on_delete=models.CASCADE, related_name="values")
    # read only while the teacher is still at the series' school (a teacher who moves is
    # counted by the new school's series, bumped when the teacher is saved)
    teacher = models.ForeignKey("org.Teacher", on_delete=models.CASCADE, related_name="+")
    bucket = models.DateField(null=True, blank=True)
    value = models.DecimalField(max_digits=16, decimal_places=4)
