"""研修文章."""

from django.db import models
from django.urls import reverse
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
    REGION = "region", _("区域共享")


class CopyState(models.TextChoices):
    FLAGGED = "flagged", _("待审核：疑似雷同")
    CLEARED = "cleared", _("已核实：非抄袭")
    RETURNED = "returned", _("退回重写")
    CONFIRMED = "confirmed", _("确认抄袭")


class ReflectionKind(models.TextChoices):
    AFTER_LESSON = "lesson", _("课后反思")
    WEEKLY = "week", _("周后反思")
    MONTHLY = "month", _("月后反思")
    MIDTERM = "midterm", _("期中反思")


BOOK_KINDS = ("reading_note", "book_review")


class Writing(TimeStampedModel, SoftDeleteModel, VersionedModel):
    # What counts (篇数, 字数, summaries, cards): submitted or reviewed, and not held back by the
    # copy check (core.textsim; the school decides). Deleted rows are hidden by `objects`.
    COUNTED_STATUSES = ("submitted", "reviewed")
    COUNTED = models.Q(status__in=COUNTED_STATUSES, copy_hold=False)

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="writings", verbose_name=_("学校"))
    term = models.ForeignKey("org.Term", on_delete=models.PROTECT, related_name="writings", verbose_name=_("学期"))
    author = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="writings", verbose_name=_("作者"))
    kind = models.CharField(_("类型"), max_length=20, choices=WritingKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True, max_length=200000)
    char_count = models.PositiveIntegerField(_("字数"), default=0)
    written_on = models.DateField(_("写作日期"))
    status = models.CharField(_("状态"), max_length=20, choices=WritingStatus.choices, default=WritingStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    is_excellent = models.BooleanField(_("优秀"), default=False)
    visibility = models.CharField(_("可见范围"), max_length=20, choices=Visibility.choices, default=Visibility.SCHOOL)
    sub_kind = models.CharField(_("反思类型"), max_length=20, choices=ReflectionKind.choices, blank=True)
    book = models.ForeignKey("Book", null=True, blank=True, on_delete=models.SET_NULL, related_name="notes", verbose_name=_("书目"))
    observation = models.ForeignKey(
        "observations.Observation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("关联听课")
    )
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("关联活动")
    )
    reviewed_by = models.ForeignKey(
        "org.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审阅人")
    )
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    review_comment = models.TextField(_("审阅意见"), blank=True, max_length=2000)
    # 复制比 (SPEC §10, core.textsim): filled when the writing is submitted.
    copied_share = models.FloatField(_("复制比"), null=True, blank=True)
    copy_sources = models.JSONField(_("复制来源"), default=list, blank=True)  # [{"kind", "id", "share"}]
    copy_state = models.CharField(_("查重结论"), max_length=20, choices=CopyState.choices, blank=True, default="")
    copy_hold = models.BooleanField(_("暂不计入"), default=False)  # flagged and, by the school's rule, not counted yet
    copy_decided_by = models.ForeignKey(
        "org.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("查重审核人")
    )
    copy_decided_at = models.DateTimeField(_("查重审核时间"), null=True, blank=True)
    copy_note = models.CharField(_("查重审核意见"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("研修文章")
        verbose_name_plural = _("研修文章")
        ordering = ["-written_on", "-id"]
        indexes = [
            models.Index(fields=["school", "term", "kind"]),
            models.Index(fields=["author", "written_on"]),
            # Lists are newest first: the first page walks this index instead of sorting the district.
            models.Index(fields=["-written_on", "-id"], name="writing_newest"),
            # Shared reading (visibility × school) for the scope rule's OR arms and their counts.
            models.Index(
                fields=["visibility", "school"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(status="draft"),
                name="writing_shared",
            ),
        ]

    @property
    def counts(self) -> bool:
        """Counts toward quotas: submitted, and not held back by the copy check."""
        return self.status in self.COUNTED_STATUSES and not self.copy_hold

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("writings:detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        # the enum's label, not get_FOO_display (which rebuilds a dict of lazy strings each call:
        # the term archive asks this of thousands of writings)
        if self.kind == WritingKind.REFLECTION and self.sub_kind in ReflectionKind.values:
            return str(ReflectionKind(self.sub_kind).label)
        if self.kind in WritingKind.values:
            return str(WritingKind(self.kind).label)
        return self.kind


class Book(TimeStampedModel):
    """A book on a teacher's shelf for one school year (读书笔记 and 读后感 attach to it)."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.CASCADE, related_name="books", verbose_name=_("教师"))
    school_year = models.ForeignKey("org.SchoolYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("学年"))
    title = models.CharField(_("书名"), max_length=200)
    author = models.CharField(_("作者"), max_length=100, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=20, blank=True)
    recommended = models.ForeignKey(
        "RecommendedBook", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("推荐书目")
    )

    class Meta:
        verbose_name = _("书目")
        verbose_name_plural = _("书架")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["teacher", "school_year"])]

    def __str__(self) -> str:
        return f"《{self.title}》"

    def get_absolute_url(self) -> str:
        return reverse("writings:book", args=[self.pk])


class RecommendedBook(TimeStampedModel):
    """The school's recommended reading list (教师推荐书目), managed by the school's admins."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    title = models.CharField(_("书名"), max_length=200)
    author = models.CharField(_("作者"), max_length=100, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=20, blank=True)
    note = models.CharField(_("推荐理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("推荐书目")
        verbose_name_plural = _("推荐书目")
        ordering = ["title"]

    def __str__(self) -> str:
        return f"《{self.title}》"
