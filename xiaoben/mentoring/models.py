"""师徒结对 / 青蓝工程.

The pair itself (who mentors whom and its counts) is known to the
whole school; what the pair writes (notes, monthly report texts, evaluations) is
private to the pair and the school's mentorship lead (SPEC §10: coaching is not
evaluation). Those texts live in their own models with a stricter scope rule.

The quotas (徒弟听师傅的课每年不少于30节) are the school's requirements on the two mentoring
metrics, audience 徒弟/师傅, with a pair's own number as the requirement's override
(`requirements.models.Requirement.overrides`); mentoring keeps no quota model."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoben.core.models import TimeStampedModel


class Direction(models.TextChoices):
    """Who observes whom. 指导课: the mentor teaches, the mentee listens; 汇报课: the other way."""

    MENTEE_OBSERVES = "mentee_observes", _("徒弟听师傅的课")
    MENTOR_OBSERVES = "mentor_observes", _("师傅听徒弟的课")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Mentorship(TimeStampedModel):
    """One pair for one school year. One mentor with several mentees = several rows."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="mentorships", verbose_name=_("学校"))
    school_year = models.ForeignKey("org.SchoolYear", on_delete=models.PROTECT, related_name="mentorships", verbose_name=_("学年"))
    mentor = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="mentorships_as_mentor", verbose_name=_("师傅"))
    mentee = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="mentorships_as_mentee", verbose_name=_("徒弟"))
    subject = models.CharField(_("学科"), max_length=20, blank=True)
    start_date = models.DateField(_("结对日期"))
    is_active = models.BooleanField(_("有效"), default=True)
    goals = models.TextField(_("结对目标"), blank=True, max_length=5000, help_text=_("写入师徒结对协议书"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("师徒结对")
        verbose_name_plural = _("师徒结对")
        constraints = [models.UniqueConstraint(fields=["school_year", "mentor", "mentee"], name="uniq_mentorship")]

    def __str__(self) -> str:
        return f"{self.mentor} — {self.mentee}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("mentoring:detail", args=[self.pk])


class MentorshipReport(TimeStampedModel):
    """月报表: the month's counts are taken from the records when filed; the texts are private."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reports", verbose_name=_("师徒结对"))
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    mentee_observed = models.PositiveSmallIntegerField(_("徒弟听师傅的课（节）"), default=0)
    mentor_observed = models.PositiveSmallIntegerField(_("师傅听徒弟的课（节）"), default=0)
    work_done = models.TextField(_("本月指导内容"), max_length=5000)
    next_plan = models.TextField(_("下月打算"), blank=True, max_length=5000)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("填报人"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("师徒结对月报表")
        verbose_name_plural = _("师徒结对月报表")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["mentorship", "month"], name="uniq_mentorship_report_month")]

    def __str__(self) -> str:
        return f"{self.mentorship} {self.month:%Y年%m月}"


class MentorshipNote(TimeStampedModel):
    """The pair's own notes (指导记录, 反思); private to the pair and the lead."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="notes", verbose_name=_("师徒结对"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人"))
    text = models.TextField(_("内容"), max_length=5000)

    class Meta:
        verbose_name = _("师徒指导记录")
        verbose_name_plural = _("师徒指导记录")
        ordering = ["-created_at"]


class EvaluationRole(models.TextChoices):
    MENTOR_ON_MENTEE = "mentor_on_mentee", _("师傅评价徒弟")
    MENTEE_ON_PAIR = "mentee_on_pair", _("徒弟评价结对")
    SCHOOL_ON_MENTOR = "school_on_mentor", _("学校评定师傅")
    SCHOOL_ON_MENTEE = "school_on_mentee", _("学校评定徒弟")


class MentorshipEvaluation(TimeStampedModel):
    """End-of-year evaluation. The school's two ratings (等第) feed the assessment."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("师徒结对"))
    role = models.CharField(_("评价类别"), max_length=20, choices=EvaluationRole.choices)
    grade = models.CharField(_("等第"), max_length=20, choices=Grade.choices, blank=True)
    comment = models.TextField(_("评语"), max_length=5000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("评价人"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("师徒结对评价")
        verbose_name_plural = _("师徒结对评价")
        constraints = [models.UniqueConstraint(fields=["mentorship", "role"], name="uniq_mentorship_evaluation_role")]
