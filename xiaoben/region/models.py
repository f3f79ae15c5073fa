"""视导/调研: a 教研员's visit to a school of their region, the lessons observed there,
and the school's 整改反馈 that closes it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaoben.core.models import TimeStampedModel, VersionedModel


class VisitKind(models.TextChoices):
    INSPECTION = "inspection", _("视导")
    SURVEY = "survey", _("调研")


class VisitStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("已反馈")
    CLOSED = "closed", _("已关闭")


class SchoolVisit(TimeStampedModel, VersionedModel):
    region = models.ForeignKey("org.Region", on_delete=models.PROTECT, related_name="visits", verbose_name=_("区域"))
    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="visits", verbose_name=_("学校"))
    term = models.ForeignKey("org.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("学期"))
    kind = models.CharField(_("类型"), max_length=20, choices=VisitKind.choices, default=VisitKind.INSPECTION)
    visited_on = models.DateField(_("视导日期"))
    focus = models.CharField(_("视导重点"), max_length=200)
    documents_checked = models.TextField(_("查阅资料"), blank=True, max_length=5000)
    findings = models.TextField(_("发现的问题与亮点"), max_length=10000)
    suggestions = models.TextField(_("整改建议"), max_length=10000)
    status = models.CharField(_("状态"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("视导人"))
    response = models.TextField(_("整改反馈"), blank=True, max_length=10000)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("反馈人")
    )
    responded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("视导记录")
        verbose_name_plural = _("视导记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.school} {self.focus}"

    def get_absolute_url(self) -> str:
        return reverse("region:visit", args=[self.pk])


class VisitLesson(TimeStampedModel):
    """A lesson observed during the visit; may link to an 听课记录 made with the observation form."""

    visit = models.ForeignKey(SchoolVisit, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("视导"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="visit_lessons", verbose_name=_("授课教师"))
    subject = models.CharField(_("学科"), max_length=20, blank=True)
    lesson_title = models.CharField(_("课题"), max_length=200)
    period = models.PositiveSmallIntegerField(_("节次"), null=True, blank=True)
    comment = models.TextField(_("评课意见"), max_length=5000)
    observation = models.ForeignKey(
        "observations.Observation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("听课记录")
    )

    class Meta:
        verbose_name = _("视导听课")
        verbose_name_plural = _("视导听课")
        ordering = ["period", "id"]

    def __str__(self) -> str:
        return f"{self.teacher} {self.lesson_title}"

    def get_absolute_url(self) -> str:
        return reverse("region:lesson", args=[self.pk])


class Alliance(TimeStampedModel):
    """教研联盟 / 片区: an `org.Region` of kind alliance that schools join, with its lead school
    (the strong school that leads the weaker ones; its admins run the alliance's activities)."""

    region = models.OneToOneField(
        "org.Region",
        on_delete=models.CASCADE,
        related_name="alliance_profile",
        verbose_name=_("教研联盟"),
        limit_choices_to={"kind": "alliance"},
    )
    lead_school = models.ForeignKey(
        "org.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("牵头学校")
    )
    description = models.TextField(_("联盟简介"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("教研联盟")
        verbose_name_plural = _("教研联盟")

    def __str__(self) -> str:
        return str(self.region)

    # No get_absolute_url: the page is the alliance region's (region:alliance, by Region id), and
    # it is shown to the admins of every member school, not only the lead school's.


class SchoolTally(models.Model):
    """One school's kept aggregate of one comparison measure over one window (`region/tally.py`):
    activities by kind, counted 听课, writings (handed in, copied, shared), 学时 by category.

    `gen` is bumped in the writer's transaction by every save/delete/`rows_changed` of the
    measure's records at this school; `computed_gen` is the `gen` `data` was computed at."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=20)
    starts_on = models.DateField()
    ends_on = models.DateField()
    data = models.JSONField(default=dict, blank=True)
    gen = models.PositiveBigIntegerField(default=1)
    computed_gen = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "starts_on", "ends_on", "school"], name="region_tally_measure_window_school")
        ]
        indexes = [models.Index(fields=["school", "measure"])]
