"""Reports: export jobs and their stored files, summary drafts, the school's own Word
templates, and term closure (学期归档) with its log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoben.core.models import TimeStampedModel, VersionedModel

FILE_KEEP_DAYS = 7


def job_path(instance: ExportJob, filename: str) -> str:
    return f"exports/{timezone.now():%Y/%m}/{instance.token}/{filename}"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(TimeStampedModel):
    """One run of an exporter: who asked, with what, how far it got, the file it made.

    The file is kept FILE_KEEP_DAYS days then removed (`export_jobs_expire`)."""

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("发起人"))
    school = models.ForeignKey("org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    identifier = models.CharField(_("导出项"), max_length=80)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file = models.FileField(_("文件"), upload_to=job_path, max_length=300, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    mimetype = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.identifier} {self.get_status_display()}"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @staticmethod
    def default_expiry() -> dt.datetime:
        return timezone.now() + dt.timedelta(days=FILE_KEEP_DAYS)


class SummaryKind(models.TextChoices):
    TERM = "term", _("学期工作总结")
    YEAR = "year", _("学年工作总结")


class SummaryDraft(TimeStampedModel, VersionedModel):
    """The prose a school edits around the computed numbers. The numbers are never stored
    here: they are computed every time, so regenerating never loses the prose.

    One draft per (school or region, group, period). `prose` maps a section key → text."""

    school = models.ForeignKey("org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    region = models.ForeignKey("org.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("区域"))
    group = models.ForeignKey("org.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("小组"))
    kind = models.CharField(_("类型"), max_length=10, choices=SummaryKind.choices, default=SummaryKind.TERM)
    period_key = models.CharField(_("期间"), max_length=40, help_text=_("term:<id> 或 year:<起始年份>"))
    title = models.CharField(_("标题"), max_length=200, blank=True)
    prose = models.JSONField(_("文字"), default=dict, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("工作总结草稿")
        verbose_name_plural = _("工作总结草稿")
        constraints = [models.UniqueConstraint(fields=["school", "region", "group", "period_key"], name="uniq_summary_draft")]


class DocumentTemplate(TimeStampedModel):
    """A school's own .docx template (docxtpl) for one kind of document; the newest
    active one is used, older ones stay for the record."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    document = models.CharField(_("文档"), max_length=40)
    file = models.FileField(_("模板文件"), upload_to="report_templates/%Y/", max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    is_active = models.BooleanField(_("使用中"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("文档模板")
        verbose_name_plural = _("文档模板")
        ordering = ["-created_at"]


class TermClosure(TimeStampedModel):
    """A term's closure (学期归档). While `closed_at` is set, the term's records are read-only
    (`xiaoben.core.terms.require_term_open`). The archive is an ExportJob's file."""

    term = models.OneToOneField("org.Term", on_delete=models.CASCADE, related_name="closure", verbose_name=_("学期"))
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    archive = models.FileField(_("归档文件"), upload_to="archives/%Y/", max_length=300, blank=True)
    archive_name = models.CharField(max_length=200, blank=True)
    archive_size = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("学期归档")
        verbose_name_plural = _("学期归档")

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class TermClosureLog(models.Model):
    """Who closed or reopened a term, when, and why."""

    term = models.ForeignKey("org.Term", on_delete=models.CASCADE, related_name="+", verbose_name=_("学期"))
    action = models.CharField(_("操作"), max_length=10, choices=[("close", _("归档")), ("reopen", _("重新开放"))])
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人"))
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("归档记录")
        verbose_name_plural = _("归档记录")
        ordering = ["-at"]
