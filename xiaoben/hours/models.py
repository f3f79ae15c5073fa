"""学时 ledger: one row per credit, with its source."""

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
    """One credit in the ledger. A line exists only once it is earned (an attended activity, an
    approved claim, an imported or entered record), so what counts is every line not deleted."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="hour_entries", verbose_name=_("学校"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="hour_entries", verbose_name=_("教师"))
    term = models.ForeignKey(
        "org.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="hour_entries", verbose_name=_("学期")
    )
    date = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    category = models.CharField(_("类别"), max_length=20, choices=HourCategory.choices, default=HourCategory.SCHOOL)
    source = models.CharField(_("来源"), max_length=20, choices=HourSource.choices)
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="hour_entries", verbose_name=_("研修活动")
    )
    source_ref = models.CharField(_("来源编号"), max_length=60, blank=True)  # claim id, import batch…
    description = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords()

    # What counts toward 学时 targets, the ledger, the home card, summaries and 考核 (the
    # `hours.total` metric's base): defined once here.
    COUNTED = models.Q(deleted_at__isnull=True)

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["teacher", "date"]),
            models.Index(fields=["school", "term"]),
            # Region and school comparisons sum a year per school: answered from the index alone.
            models.Index(
                fields=["school", "date"],
                include=["teacher", "hours", "category"],
                condition=models.Q(deleted_at__isnull=True),
                name="hourentry_school_date",
            ),
        ]
        constraints = [
            # Recording an activity twice never credits twice.
            models.UniqueConstraint(
                fields=["teacher", "activity"],
                condition=models.Q(activity__isnull=False, deleted_at__isnull=True),
                name="uniq_hours_per_activity",
            ),
            # A claim or an imported row credits once, however often it is approved or re-imported.
            models.UniqueConstraint(
                fields=["teacher", "source_ref"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(source_ref=""),
                name="uniq_hours_per_source_ref",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.hours}学时"


class ClaimKind(models.TextChoices):
    NATIONAL = "national", _("国培")
    PROVINCIAL = "provincial", _("省培")
    CITY = "city", _("市级培训")
    COUNTY = "county", _("区县培训")
    SCHOOL = "school", _("校本培训")
    ONLINE = "online", _("网络研修")
    OUTSIDE = "outside", _("外出学习")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("审核中")
    REJECTED = "rejected", _("已退回")
    APPROVED = "approved", _("已通过")


class ClaimStep(models.TextChoices):
    SCHOOL = "school", _("学校审核")
    REGION = "region", _("区县审核")


class TrainingClaim(TimeStampedModel):
    """学时申报: a teacher's external training, certified once, approved along the school's chain."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="training_claims", verbose_name=_("学校"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="training_claims", verbose_name=_("教师"))
    kind = models.CharField(_("培训类型"), max_length=20, choices=ClaimKind.choices)
    title = models.CharField(_("培训名称"), max_length=200)
    organiser = models.CharField(_("主办单位"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    hours = models.DecimalField(_("申报学时"), max_digits=6, decimal_places=1)
    category = models.CharField(_("学时类别"), max_length=20, choices=HourCategory.choices)
    status = models.CharField(_("状态"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PENDING, db_index=True)
    step = models.CharField(_("当前环节"), max_length=20, choices=ClaimStep.choices, default=ClaimStep.SCHOOL)
    chain = models.JSONField(_("审核流程"), default=list)  # snapshot of school.setting("claim_chain") at submission
    reached_region = models.BooleanField(_("已报区县"), default=False)  # 教研员 see the claim from then on
    reject_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("学时申报")
        verbose_name_plural = _("学时申报")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["school", "status", "step"])]

    def __str__(self) -> str:
        return f"{self.teacher} {self.title}"

    @property
    def source_ref(self) -> str:
        return f"claim:{self.pk}"


class ClaimDecision(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("退回")


class ClaimReview(models.Model):
    """One line of a claim's history: who did what at which step, and why."""

    claim = models.ForeignKey(TrainingClaim, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("申报"))
    step = models.CharField(_("环节"), max_length=20, choices=ClaimStep.choices)
    decision = models.CharField(_("操作"), max_length=20, choices=ClaimDecision.choices)
    reviewer = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人"))
    reason = models.CharField(_("意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["created_at", "id"]


class ImportBatch(TimeStampedModel):
    """One upload of external hours (国培/网络研修 platform exports)."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="hour_imports", verbose_name=_("学校"))
    uploaded_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("导入人"))
    file_name = models.CharField(_("文件名"), max_length=200)
    created_count = models.PositiveIntegerField(_("新增条数"), default=0)
    skipped_count = models.PositiveIntegerField(_("重复跳过"), default=0)
    total_hours = models.DecimalField(_("新增学时"), max_digits=8, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("学时导入")
        verbose_name_plural = _("学时导入")
        ordering = ["-created_at"]
