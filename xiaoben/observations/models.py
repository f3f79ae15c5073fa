"""听课记录. Contract fields used by mentoring and requirements are marked CONTRACT."""

from django.db import models
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
    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="observations", verbose_name=_("学校"))  # CONTRACT
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="observations", verbose_name=_("学期"))  # CONTRACT
    observer = models.ForeignKey(
        "org.Teacher", on_delete=models.PROTECT, related_name="observations_given", verbose_name=_("听课人")
    )  # CONTRACT
    teacher = models.ForeignKey(
        "org.Teacher", on_delete=models.PROTECT, related_name="observations_received", verbose_name=_("授课教师")
    )  # CONTRACT
    lesson_date = models.DateField(_("听课日期"))  # CONTRACT
    period = models.PositiveSmallIntegerField(_("节次"), null=True, blank=True)
    subject = models.CharField(_("学科"), max_length=20, blank=True)
    grade = models.PositiveSmallIntegerField(_("年级"), null=True, blank=True)
    class_name = models.CharField(_("班级"), max_length=30, blank=True)
    lesson_title = models.CharField(_("课题"), max_length=200, blank=True)
    kind = models.CharField(_("课型"), max_length=20, choices=ObservationKind.choices, default=ObservationKind.REGULAR)  # CONTRACT
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="observations", verbose_name=_("关联活动")
    )  # CONTRACT
    notes = models.TextField(_("听课笔记"), blank=True, max_length=20000)
    strengths = models.TextField(_("优点"), blank=True, max_length=5000)
    weaknesses = models.TextField(_("不足"), blank=True, max_length=5000)
    suggestions = models.TextField(_("建议"), blank=True, max_length=5000)
    status = models.CharField(
        _("状态"), max_length=20, choices=ObservationStatus.choices, default=ObservationStatus.SUBMITTED
    )  # CONTRACT (only submitted counts)
    is_backfilled = models.BooleanField(_("补录"), default=False)  # CONTRACT

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

    def __str__(self) -> str:
        return f"{self.lesson_date} {self.teacher} {self.lesson_title}"
