"""研修活动 and 签到. Contract fields used by other apps (hours, requirements,
observations) are marked CONTRACT: don't rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoben.core.models import TimeStampedModel, VersionedModel


class ActivityKind(models.TextChoices):
    LESSON_PREP = "lesson_prep", _("集体备课")
    SEMINAR = "seminar", _("主题教研")
    LECTURE = "lecture", _("专题讲座/培训")
    OPEN_LESSON = "open_lesson", _("公开课")
    SAME_TOPIC = "same_topic", _("同课异构")
    LESSON_STUDY = "lesson_study", _("一课多研")
    READING = "reading", _("读书交流")
    STUDY = "study", _("理论/业务学习")
    OUTSIDE = "outside", _("外出学习")
    ONLINE = "online", _("网络研修")
    REGIONAL = "regional", _("区域/校际活动")
    COMPETITION = "competition", _("比赛")
    MONTH = "month", _("教研活动月")


class OpenLessonKind(models.TextChoices):
    DEMO = "demo", _("示范课")
    RESEARCH = "research", _("研讨课")
    REPORT = "report", _("汇报课")
    STANDARD = "standard", _("达标课")
    SHOWCASE = "showcase", _("展示课")
    PUSH = "push", _("推门课")
    CONTEST = "contest", _("竞赛课")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    PUBLISHED = "published", _("已发布")
    HELD = "held", _("已举行")
    RECORDED = "recorded", _("已记录")
    ARCHIVED = "archived", _("已归档")
    CANCELLED = "cancelled", _("已取消")


class Activity(TimeStampedModel, VersionedModel):
    school = models.ForeignKey(
        "org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="activities", verbose_name=_("学校")
    )  # CONTRACT (null = regional)
    region = models.ForeignKey(
        "org.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="activities", verbose_name=_("区域")
    )
    term = models.ForeignKey(
        "org.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="activities", verbose_name=_("学期")
    )  # CONTRACT
    group = models.ForeignKey(
        "org.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities", verbose_name=_("组织小组")
    )  # CONTRACT
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)  # CONTRACT
    lesson_kind = models.CharField(_("课型"), max_length=20, choices=OpenLessonKind.choices, blank=True)  # CONTRACT (公开课 family)
    title = models.CharField(_("主题/内容"), max_length=200)  # CONTRACT
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)  # CONTRACT
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    host = models.ForeignKey(
        "org.Teacher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_activities",
        verbose_name=_("主持人/中心发言人"),
    )  # CONTRACT
    recorder = models.ForeignKey(
        "org.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="recorded_activities", verbose_name=_("记录人")
    )  # CONTRACT
    status = models.CharField(_("状态"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)  # CONTRACT
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("研修活动")
        verbose_name_plural = _("研修活动")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["school", "term", "kind"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.title


class AttendanceRole(models.TextChoices):
    HOST = "host", _("主持人")
    SPEAKER = "speaker", _("中心发言人/主讲")
    RECORDER = "recorder", _("记录人")
    PARTICIPANT = "participant", _("参与")


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("待签到")
    PRESENT = "present", _("已签到")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class Attendance(TimeStampedModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("活动"))  # CONTRACT
    teacher = models.ForeignKey("org.Teacher", on_delete=models.CASCADE, related_name="attendances", verbose_name=_("教师"))  # CONTRACT
    role = models.CharField(_("角色"), max_length=20, choices=AttendanceRole.choices, default=AttendanceRole.PARTICIPANT)  # CONTRACT
    status = models.CharField(_("状态"), max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED)  # CONTRACT
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [models.UniqueConstraint(fields=["activity", "teacher"], name="uniq_attendance")]
