"""研修文章. Contract fields used by requirements are marked CONTRACT."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoben.core.models import SoftDeleteModel, TimeStampedModel, VersionedModel


class WritingKind(models.TextChoices):
    REFLECTION = "reflection", _("教学反思")
    INSIGHT = "insight", _("心得体会")
    READING_NOTE = "reading_note", _("读书笔记")
    BOOK_REVIEW = "book_review", _("读后感")
    CASE = "case", _("教学案例")
    NARRATIVE = "narrative", _("教育叙事/随笔")
    PAPER = "paper", _("论文")
    EXPERIENCE = "experience", _("经验总结")
    OUTSIDE_REPORT = "outside_report", _("外出学习汇报")


class WritingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REVIEWED = "reviewed", _("已审阅")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("仅自己")
    GROUP = "group", _("本组")
    SCHOOL = "school", _("全校")


class Writing(TimeStampedModel, SoftDeleteModel, VersionedModel):
    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="writings", verbose_name=_("学校"))  # CONTRACT
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="writings", verbose_name=_("学期"))  # CONTRACT
    author = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="writings", verbose_name=_("作者"))  # CONTRACT
    kind = models.CharField(_("类型"), max_length=20, choices=WritingKind.choices)  # CONTRACT
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True, max_length=200000)
    char_count = models.PositiveIntegerField(_("字数"), default=0)  # CONTRACT (computed)
    written_on = models.DateField(_("写作日期"))  # CONTRACT (the day it counts for)
    status = models.CharField(
        _("状态"), max_length=20, choices=WritingStatus.choices, default=WritingStatus.DRAFT
    )  # CONTRACT (submitted/reviewed count)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    is_excellent = models.BooleanField(_("优秀"), default=False)
    visibility = models.CharField(_("可见范围"), max_length=20, choices=Visibility.choices, default=Visibility.SCHOOL)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("研修文章")
        verbose_name_plural = _("研修文章")
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["school", "term", "kind"]), models.Index(fields=["author", "written_on"])]

    def __str__(self) -> str:
        return self.title
