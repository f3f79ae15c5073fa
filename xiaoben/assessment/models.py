"""考核: a term scheme of weighted items (SPEC §4 AssessmentScheme, AssessmentResult).

Most items are computed from the records (requirements progress, the 学时 ledger);
some are entered by leaders (师德, 学生评教). Flow per teacher: 自评 → 组长审核 →
学校确认 (locked: nothing changes after)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoben.core.models import TimeStampedModel


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("考核中")
    LOCKED = "locked", _("已锁定")


class AssessmentScheme(TimeStampedModel):
    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="assessment_schemes", verbose_name=_("学校"))
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="assessment_schemes", verbose_name=_("学期"))
    name = models.CharField(_("方案名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=20, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    created_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人"))
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-term__start_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["school", "term", "name"], name="uniq_scheme_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_locked(self) -> bool:
        return self.status == SchemeStatus.LOCKED


class ItemSource(models.TextChoices):
    REQUIREMENT = "requirement", _("量化要求达成")
    HOURS = "hours", _("学时")
    RESEARCH = "research", _("成果奖励积分")
    ENTERED = "entered", _("评定录入")


class AssessmentItem(models.Model):
    """听课达标 10分 = 10 × min(1, 完成/要求); 师德 10分 entered by leaders."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="items", verbose_name=_("方案"))
    name = models.CharField(_("考核项目"), max_length=60)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    source = models.CharField(_("计分方式"), max_length=20, choices=ItemSource.choices)
    requirement = models.ForeignKey(
        "requirements.Requirement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("量化要求")
    )
    hours_target = models.DecimalField(_("学时要求"), max_digits=6, decimal_places=1, null=True, blank=True)
    hours_category = models.CharField(_("学时类别"), max_length=20, blank=True)
    description = models.CharField(_("评分说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.points}分）"

    @property
    def is_computed(self) -> bool:
        return self.source != ItemSource.ENTERED


class ResultStatus(models.TextChoices):
    SELF = "self", _("待自评")
    REVIEW = "review", _("待组长审核")
    CONFIRM = "confirm", _("待学校确认")
    CONFIRMED = "confirmed", _("已确认")


class AssessmentResult(TimeStampedModel):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="results", verbose_name=_("方案"))
    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="assessment_results", verbose_name=_("教师"))
    status = models.CharField(_("状态"), max_length=20, choices=ResultStatus.choices, default=ResultStatus.SELF, db_index=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=1, default=0)
    self_comment = models.TextField(_("自评小结"), blank=True, max_length=2000)
    review_comment = models.TextField(_("组长意见"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审核人")
    )
    confirmed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("确认人")
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["-total", "teacher__staff_no"]
        constraints = [models.UniqueConstraint(fields=["scheme", "teacher"], name="uniq_result_per_teacher")]

    def __str__(self) -> str:
        return f"{self.teacher} {self.total}"

    @property
    def is_locked(self) -> bool:
        return self.status == ResultStatus.CONFIRMED


class AssessmentScore(models.Model):
    """One item of one teacher's sheet, with how the points were earned."""

    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="scores", verbose_name=_("结果"))
    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="scores", verbose_name=_("项目"))
    done = models.DecimalField(_("完成"), max_digits=8, decimal_places=1, null=True, blank=True)
    required = models.DecimalField(_("要求"), max_digits=8, decimal_places=1, null=True, blank=True)
    self_score = models.DecimalField(_("自评分"), max_digits=5, decimal_places=1, null=True, blank=True)
    review_score = models.DecimalField(_("审核分"), max_digits=5, decimal_places=1, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, default=0)
    evidence = models.CharField(_("计分依据"), max_length=300, blank=True)
    evidence_url = models.CharField(_("记录链接"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["result", "item"], name="uniq_score_per_item")]
