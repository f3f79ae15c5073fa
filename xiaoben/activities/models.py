"""研修活动 and 签到."""

from django.conf import settings
from django.db import models
from django.urls import reverse
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
    )
    region = models.ForeignKey(
        "org.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="activities", verbose_name=_("区域")
    )
    term = models.ForeignKey("org.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="activities", verbose_name=_("学期"))
    group = models.ForeignKey(
        "org.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities", verbose_name=_("组织小组")
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    lesson_kind = models.CharField(_("课型"), max_length=20, choices=OpenLessonKind.choices, blank=True)
    title = models.CharField(_("主题/内容"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    host = models.ForeignKey(
        "org.Teacher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_activities",
        verbose_name=_("主持人"),
    )
    recorder = models.ForeignKey(
        "org.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="recorded_activities", verbose_name=_("记录人")
    )
    speaker = models.ForeignKey(
        "org.Teacher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spoken_activities",
        verbose_name=_("中心发言人"),
        help_text=_("“四定”中的定主讲人：集体备课的主备人、讲座的主讲人；留空则由主持人主讲"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )
    # Beyond the contract.
    description = models.TextField(_("活动内容/议程"), blank=True, max_length=5000)
    slot = models.ForeignKey(
        "ActivitySlot", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities", verbose_name=_("固定时间")
    )
    report_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports", verbose_name=_("汇报的外出学习")
    )
    plan_item = models.ForeignKey(
        "plans.PlanItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities", verbose_name=_("计划事项")
    )  # the 月度安排 item this activity fulfils (plans app)
    project = models.ForeignKey(
        "research.ResearchProject", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities", verbose_name=_("所属课题")
    )  # 课题研讨: the project lists its activities

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("研修活动")
        verbose_name_plural = _("研修活动")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["school", "term", "kind"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])


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


class AttendanceMethod(models.TextChoices):
    """How an attendance came to be: a scan is evidence, a 补签 is someone's word (with a reason)."""

    NONE = "", _("未签到")
    SCAN = "scan", _("扫码")
    MANUAL = "manual", _("补签")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class Attendance(TimeStampedModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("活动"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.CASCADE, related_name="attendances", verbose_name=_("教师"))
    role = models.CharField(_("角色"), max_length=20, choices=AttendanceRole.choices, default=AttendanceRole.PARTICIPANT)
    status = models.CharField(_("状态"), max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)  # a scan's time only
    method = models.CharField(_("签到方式"), max_length=10, choices=AttendanceMethod.choices, blank=True, default="")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("补记人")
    )
    marked_at = models.DateTimeField(_("补记时间"), null=True, blank=True)
    reason = models.CharField(_("补签原因"), max_length=200, blank=True)
    is_guest = models.BooleanField(_("列席"), default=False, help_text=_("不在邀请范围内、自行扫码的教师：主持人接受后计入学时"))

    history = HistoricalRecords()

    # What counts (参加研修活动, 学时, 实到): signed in (by scan or 补签), not a 列席 the host has not
    # accepted, at an activity that took place (举行、记录或归档 — never a planned or cancelled one).
    COUNTED = models.Q(
        status=AttendanceStatus.PRESENT,
        is_guest=False,
        activity__status__in=[ActivityStatus.HELD, ActivityStatus.RECORDED, ActivityStatus.ARCHIVED],
    )

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [models.UniqueConstraint(fields=["activity", "teacher"], name="uniq_attendance")]


# ---------------------------------------------------------------------------
# Beyond the contract: slots, leave, minutes, feeds, 集体备课 and lesson study.
# ---------------------------------------------------------------------------


class LeaveState(models.TextChoices):
    NONE = "", _("无")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class ActivitySlot(TimeStampedModel):
    """A weekly slot such as 语文组每周五第3节集体备课: the term's activities are generated from it."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="activity_slots", verbose_name=_("学校"))
    term = models.ForeignKey("org.Term", on_delete=models.CASCADE, related_name="activity_slots", verbose_name=_("学期"))
    group = models.ForeignKey(
        "org.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="activity_slots", verbose_name=_("组织小组")
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices, default=ActivityKind.LESSON_PREP)
    title = models.CharField(_("主题/内容"), max_length=200)
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=[(i, f"周{'一二三四五六日'[i]}") for i in range(7)])
    period = models.PositiveSmallIntegerField(_("节次"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    host = models.ForeignKey("org.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("主持人"))
    recorder = models.ForeignKey(
        "org.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("记录人")
    )
    created_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("固定活动时间")
        verbose_name_plural = _("固定活动时间")
        ordering = ["weekday", "period"]

    def __str__(self) -> str:
        return f"{self.group or ''}每{self.get_weekday_display()}第{self.period}节{self.get_kind_display()}"


class LeaveRequest(TimeStampedModel):
    """请假: a teacher asks, the organiser decides; approved leave marks the attendance 请假."""

    attendance = models.OneToOneField(Attendance, on_delete=models.CASCADE, related_name="leave", verbose_name=_("签到"))
    reason = models.CharField(_("请假事由"), max_length=200)
    state = models.CharField(_("状态"), max_length=20, choices=LeaveState.choices, default=LeaveState.PENDING)
    decided_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")


class ActivityMinutes(TimeStampedModel, VersionedModel):
    """活动记录 written by the recorder. `draft` is autosaved; `body` is the saved record."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("活动"))
    body = models.TextField(_("活动记录"), blank=True, max_length=100000)
    draft = models.TextField(_("草稿"), blank=True, max_length=100000)
    draft_saved_at = models.DateTimeField(_("草稿保存时间"), null=True, blank=True)
    # the version of the record the draft was written on: a draft of an older version is stale
    draft_version = models.PositiveIntegerField(_("草稿所据版本"), default=0)
    author = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("记录人"))
    saved_at = models.DateTimeField(_("保存时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("活动记录")
        verbose_name_plural = _("活动记录")


class CalendarFeed(models.Model):
    """A teacher's secret .ics address (phone calendars subscribe without a session)."""

    teacher = models.OneToOneField("org.Teacher", on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("教师"))
    token = models.CharField(_("令牌"), max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")


class LessonPrep(TimeStampedModel):
    """集体备课: 主备人 drafts → group comments → personal revisions → 教后反思."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="lesson_preps", verbose_name=_("学校"))
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="lesson_preps", verbose_name=_("学期"))
    group = models.ForeignKey(
        "org.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="lesson_preps", verbose_name=_("备课组")
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="lesson_preps", verbose_name=_("集体备课活动")
    )
    title = models.CharField(_("课题"), max_length=200)
    subject = models.CharField(_("学科"), max_length=20, blank=True)
    grade = models.PositiveSmallIntegerField(_("年级"), null=True, blank=True)
    lead = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="lesson_preps_led", verbose_name=_("主备人"))
    created_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("集体备课")
        verbose_name_plural = _("集体备课")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PlanVersionKind(models.TextChoices):
    DRAFT = "draft", _("主备初稿")
    REVISED = "revised", _("主备修改稿")
    PERSONAL = "personal", _("个性化修改")


class LessonPlanVersion(TimeStampedModel):
    """Every version of a lesson plan is kept; none is edited in place (except its 教后反思)."""

    prep = models.ForeignKey(LessonPrep, on_delete=models.CASCADE, related_name="versions", verbose_name=_("集体备课"))
    author = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="lesson_plan_versions", verbose_name=_("作者"))
    kind = models.CharField(_("版本类型"), max_length=20, choices=PlanVersionKind.choices)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived", verbose_name=_("基于版本")
    )
    body = models.TextField(_("教案正文"), max_length=100000)
    source_name = models.CharField(_("来源文件"), max_length=200, blank=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    reflection = models.TextField(_("教后反思"), blank=True, max_length=20000)
    reflection_at = models.DateTimeField(_("反思时间"), null=True, blank=True)
    writing = models.ForeignKey(
        "writings.Writing", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("关联反思文章")
    )
    # 复制比 against everything but this 集体备课's own versions (core.textsim).
    copied_share = models.FloatField(_("复制比"), null=True, blank=True)
    copy_sources = models.JSONField(_("复制来源"), default=list, blank=True)

    class Meta:
        verbose_name = _("教案版本")
        verbose_name_plural = _("教案版本")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.prep} · {self.get_kind_display()} · {self.author}"


class SeriesKind(models.TextChoices):
    MULTI_ROUND = "multi_round", _("一课多研")
    SAME_TOPIC = "same_topic", _("同课异构")


class LessonStudySeries(TimeStampedModel):
    """一课多研 (one teacher, several rounds) or 同课异构 (several teachers, one topic)."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="lesson_series", verbose_name=_("学校"))
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="lesson_series", verbose_name=_("学期"))
    group = models.ForeignKey("org.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("小组"))
    kind = models.CharField(_("类型"), max_length=20, choices=SeriesKind.choices)
    title = models.CharField(_("课题"), max_length=200)
    goal = models.TextField(_("研究重点"), blank=True, max_length=2000)
    created_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("课例研究")
        verbose_name_plural = _("课例研究")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class LessonStudyRound(models.Model):
    series = models.ForeignKey(LessonStudySeries, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("课例研究"))
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="study_rounds", verbose_name=_("活动"))
    number = models.PositiveSmallIntegerField(_("轮次"))
    teacher = models.ForeignKey(
        "org.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("授课教师")
    )
    note = models.CharField(_("本轮改进"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("研究轮次")
        verbose_name_plural = _("研究轮次")
        ordering = ["number", "id"]
        constraints = [models.UniqueConstraint(fields=["series", "activity"], name="uniq_series_activity")]
