"""听课记录."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoben.core.models import SoftDeleteModel, TimeStampedModel, VersionedModel


class ObservationKind(models.TextChoices):
    REGULAR = "regular", _("常态课")
    PUSH = "push", _("推门课")
    OPEN = "open", _("公开课")
    DEMO = "demo", _("示范课")
    RESEARCH = "research", _("研讨课")
    REPORT = "report", _("汇报课")
    STANDARD = "standard", _("达标课")
    CONTEST = "contest", _("竞赛课")
    MENTOR = "mentor", _("师徒课")
    LEADER = "leader", _("领导听课")


class ObservationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class Observation(TimeStampedModel, SoftDeleteModel, VersionedModel):
    # What counts (听课节数, 被听课, 师徒听课, summaries, cards): submitted; deleted rows are hidden by `objects`.
    COUNTED = models.Q(status=ObservationStatus.SUBMITTED)

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="observations", verbose_name=_("学校"))
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="observations", verbose_name=_("学期"))
    observer = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="observations_given", verbose_name=_("听课人"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="observations_received", verbose_name=_("授课教师"))
    lesson_date = models.DateField(_("听课日期"))
    period = models.PositiveSmallIntegerField(_("节次"), null=True, blank=True)
    subject = models.CharField(_("学科"), max_length=20, blank=True)
    grade = models.PositiveSmallIntegerField(_("年级"), null=True, blank=True)
    class_name = models.CharField(_("班级"), max_length=30, blank=True)
    lesson_title = models.CharField(_("课题"), max_length=200, blank=True)
    kind = models.CharField(_("课型"), max_length=20, choices=ObservationKind.choices, default=ObservationKind.REGULAR)
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="observations", verbose_name=_("关联活动")
    )
    notes = models.TextField(_("听课笔记"), blank=True, max_length=20000)
    strengths = models.TextField(_("优点"), blank=True, max_length=5000)
    weaknesses = models.TextField(_("不足"), blank=True, max_length=5000)
    suggestions = models.TextField(_("建议"), blank=True, max_length=5000)
    status = models.CharField(_("状态"), max_length=20, choices=ObservationStatus.choices, default=ObservationStatus.SUBMITTED)
    is_backfilled = models.BooleanField(_("补录"), default=False)
    rubric = models.ForeignKey(
        "Rubric", null=True, blank=True, on_delete=models.PROTECT, related_name="observations", verbose_name=_("评价表")
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade_label = models.CharField(_("等级"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # the recording form's one-time token: a double-submitted form finds the record it created
    form_token = models.CharField(_("表单标识"), max_length=40, blank=True, default="", editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("听课记录")
        verbose_name_plural = _("听课记录")
        ordering = ["-lesson_date", "-id"]
        indexes = [
            models.Index(fields=["school", "term"]),
            models.Index(fields=["observer", "lesson_date"]),
            models.Index(fields=["teacher", "lesson_date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["observer", "form_token"], condition=~models.Q(form_token=""), name="uniq_observation_form_token"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lesson_date} {self.teacher} {self.lesson_title}"

    def get_absolute_url(self) -> str:
        return reverse("observations:detail", args=[self.pk])

    def comment_audience(self) -> list[int]:
        """Both sides of an observation follow its thread (core.services.comment_add)."""
        return [self.observer.user_id, self.teacher.user_id]


class Rubric(TimeStampedModel):
    """课堂评价表. A rubric that has scored an observation is never edited in place:
    editing it makes a new version (same `lineage`), so old totals never change."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="rubrics", verbose_name=_("学校"))
    name = models.CharField(_("名称"), max_length=100)
    lineage = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="versions", verbose_name=_("原始版本")
    )
    version = models.PositiveSmallIntegerField(_("版本号"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    is_default = models.BooleanField(_("默认评价表"), default=False)
    grade_scale = models.JSONField(_("等级划分"), default=list, help_text=_('按总分（百分制）从高到低：[["优", 90], ["良", 80], …]'))
    created_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("课堂评价表")
        verbose_name_plural = _("课堂评价表")
        ordering = ["school_id", "name", "-version"]
        indexes = [models.Index(fields=["school", "is_current"])]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    @property
    def lineage_id_or_self(self) -> int:
        return self.lineage_id or self.pk


class RubricItem(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items", verbose_name=_("评价表"))
    dimension = models.CharField(_("评价维度"), max_length=30)
    title = models.CharField(_("评价项目"), max_length=100)
    descriptor = models.CharField(_("评价要点"), max_length=300, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, default=10)
    max_points = models.DecimalField(_("满分"), max_digits=6, decimal_places=1, default=10)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评价项目")
        verbose_name_plural = _("评价项目")
        ordering = ["rubric_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.dimension}·{self.title}"


class ObservationScore(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("听课记录"))
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="scores", verbose_name=_("评价项目"))
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [models.UniqueConstraint(fields=["observation", "item"], name="uniq_observation_item")]


class FeedbackFlag(TimeStampedModel):
    """评课意见雷同: this observation's feedback is (nearly) the same as another's."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="flags", verbose_name=_("听课记录"))
    similar_to = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="+", verbose_name=_("相似记录"))
    similarity = models.DecimalField(_("相似度"), max_digits=4, decimal_places=3)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("雷同评课")
        verbose_name_plural = _("雷同评课")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["observation", "similar_to"], name="uniq_feedback_flag")]
