"""师徒结对. Contract fields used by requirements are marked CONTRACT."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoben.core.models import TimeStampedModel


class Mentorship(TimeStampedModel):
    """One pair for one school year. One mentor with several mentees = several rows."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="mentorships", verbose_name=_("学校"))  # CONTRACT
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="mentorships", verbose_name=_("学年")
    )  # CONTRACT
    mentor = models.ForeignKey(
        "org.Teacher", on_delete=models.PROTECT, related_name="mentorships_as_mentor", verbose_name=_("师傅")
    )  # CONTRACT
    mentee = models.ForeignKey(
        "org.Teacher", on_delete=models.PROTECT, related_name="mentorships_as_mentee", verbose_name=_("徒弟")
    )  # CONTRACT
    subject = models.CharField(_("学科"), max_length=20, blank=True)
    start_date = models.DateField(_("结对日期"))
    is_active = models.BooleanField(_("有效"), default=True)  # CONTRACT

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("师徒结对")
        verbose_name_plural = _("师徒结对")
        constraints = [models.UniqueConstraint(fields=["school_year", "mentor", "mentee"], name="uniq_mentorship")]

    def __str__(self) -> str:
        return f"{self.mentor} — {self.mentee}"
