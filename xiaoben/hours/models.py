"""学时 ledger: one row per credit, with its source. Contract fields marked CONTRACT."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoben.core.models import SoftDeleteModel, TimeStampedModel


class HourCategory(models.TextChoices):
    SCHOOL = "school", _("校本研修")
    REGION = "region", _("区域研修")
    ONLINE = "online", _("网络研修")
    CENTRAL = "central", _("集中培训")


class HourSource(models.TextChoices):
    ACTIVITY = "activity", _("研修活动")
    CLAIM = "claim", _("学时申报")
    IMPORT = "import", _("外部导入")
    MANUAL = "manual", _("手工录入")


class HourEntry(TimeStampedModel, SoftDeleteModel):
    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="hour_entries", verbose_name=_("学校"))  # CONTRACT
    teacher = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="hour_entries", verbose_name=_("教师"))  # CONTRACT
    term = models.ForeignKey(
        "org.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="hour_entries", verbose_name=_("学期")
    )  # CONTRACT
    date = models.DateField(_("日期"))  # CONTRACT
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)  # CONTRACT
    category = models.CharField(_("类别"), max_length=20, choices=HourCategory.choices, default=HourCategory.SCHOOL)  # CONTRACT
    source = models.CharField(_("来源"), max_length=20, choices=HourSource.choices)  # CONTRACT
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="hour_entries", verbose_name=_("研修活动")
    )  # CONTRACT
    source_ref = models.CharField(_("来源编号"), max_length=60, blank=True)  # claim id, import batch…
    description = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["teacher", "date"]), models.Index(fields=["school", "term"])]
        constraints = [
            # Recording an activity twice never credits twice.
            models.UniqueConstraint(
                fields=["teacher", "activity"],
                condition=models.Q(activity__isnull=False, deleted_at__isnull=True),
                name="uniq_hours_per_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.hours}学时"
