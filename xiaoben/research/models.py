"""课题研究 and 成果与荣誉 (SPEC §2.3; names from SPEC §4: ResearchProject, ProjectStage, Achievement).

A project walks 申报 → 立项 → 开题 → 中期检查 → 结题 (with 延期 and 撤销); each move is a
`ProjectStage` row, confirmed by the school with the documents of that stage in.
An achievement is one row however many teachers share it; `AchievementCredit` gives each
teacher their share and the reward points it earned (a snapshot of the school's rules)."""

from __future__ import annotations

import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaoben.core.models import SoftDeleteModel, TimeStampedModel, VersionedModel
from xiaoben.org.choices import HonourKind


class Level(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    SCHOOL = "school", _("校级")


LEVEL_ORDER = [c for c, _label in Level.choices]  # highest first
CITY_AND_ABOVE = (Level.NATIONAL, Level.PROVINCE, Level.CITY)


class Stage(models.TextChoices):
    APPLIED = "applied", _("申报")
    APPROVED = "approved", _("立项")
    OPENED = "opened", _("开题")
    MIDTERM = "midterm", _("中期检查")
    CONCLUDED = "concluded", _("结题")
    EXTENDED = "extended", _("延期")
    WITHDRAWN = "withdrawn", _("撤销")


# 在研: approved and not yet concluded or withdrawn.
ACTIVE_STAGES = (Stage.APPROVED, Stage.OPENED, Stage.MIDTERM, Stage.EXTENDED)
TERMINAL_STAGES = (Stage.CONCLUDED, Stage.WITHDRAWN)


class DocKind(models.TextChoices):
    APPLICATION = "application", _("申报书")
    APPROVAL = "approval", _("立项通知")
    OPENING = "opening", _("开题报告")
    MIDTERM = "midterm", _("中期报告")
    FINAL = "final", _("结题报告")
    OUTCOME = "outcome", _("研究成果")
    CERTIFICATE = "certificate", _("结题证书/鉴定意见")
    EXTENSION = "extension", _("延期申请")
    OTHER = "other", _("其他材料")


class Category(models.TextChoices):
    PLANNING = "planning", _("教育科学规划课题")
    SPECIAL = "special", _("专项课题")
    TEACHING = "teaching", _("教学研究课题")
    SMALL = "small", _("小课题/微课题")
    OTHER = "other", _("其他")


class Visibility(models.TextChoices):
    MEMBERS = "members", _("仅课题组与学校管理员")
    SCHOOL = "school", _("校内公开")
    REGION = "region", _("向区域公开")


class ResearchProject(TimeStampedModel, SoftDeleteModel, VersionedModel):
    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="research_projects", verbose_name=_("学校"))
    title = models.CharField(_("课题名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    number = models.CharField(_("立项编号"), max_length=60, blank=True)
    category = models.CharField(_("课题类别"), max_length=20, choices=Category.choices, default=Category.PLANNING)
    issuer = models.CharField(_("立项单位"), max_length=100, blank=True, help_text=_("如：浙江省教育科学规划领导小组办公室"))
    leader = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("主持人"))
    members = models.ManyToManyField("org.Teacher", through="ProjectMember", related_name="research_projects", verbose_name=_("课题组成员"))
    stage = models.CharField(_("当前阶段"), max_length=20, choices=Stage.choices, default=Stage.APPLIED, db_index=True)
    stage_due = models.DateField(_("本阶段截止"), null=True, blank=True)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("计划结题日期"), null=True, blank=True)
    summary = models.TextField(_("研究内容简介"), blank=True, max_length=3000)
    visibility = models.CharField(_("公开范围"), max_length=20, choices=Visibility.choices, default=Visibility.SCHOOL)
    reminded_on = models.DateField(_("上次逾期提醒"), null=True, blank=True)
    # blank: the system (a seed, an import) registers a project in no one's name
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("课题")
        verbose_name_plural = _("课题")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "stage", "level"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:project_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.stage in ACTIVE_STAGES

    @property
    def is_overdue(self) -> bool:
        return bool(self.stage_due and self.stage not in TERMINAL_STAGES and self.stage_due < timezone.localdate())


class ProjectMember(models.Model):
    """A member of the 课题组. A teacher of another school of the region may be a member:
    they read the project, they do not change it."""

    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("课题"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.CASCADE, related_name="project_memberships", verbose_name=_("教师"))
    role = models.CharField(_("分工"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("课题组成员")
        verbose_name_plural = _("课题组成员")
        constraints = [models.UniqueConstraint(fields=["project", "teacher"], name="uniq_project_member")]


class ProjectStage(models.Model):
    """One step of a project's life: the stage entered, when, who confirmed it and on what
    decision (for 省/市/县级, the outside body's 文号; 校级, the school's own decision)."""

    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="stages", verbose_name=_("课题"))
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    entered_on = models.DateField(_("日期"))
    due_on = models.DateField(_("下一阶段截止"), null=True, blank=True)
    decision = models.CharField(_("决定/文号"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("确认人")
    )  # blank: a move the system records (a seed, an import) has no confirmer
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("课题阶段")
        verbose_name_plural = _("课题阶段")
        ordering = ["entered_on", "id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_stage_display()}"


def document_path(instance, filename: str) -> str:
    return f"research/projects/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class ProjectDocument(TimeStampedModel):
    """A document of a stage (申报书, 开题报告 …), uploaded while the project is heading there."""

    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="documents", verbose_name=_("课题"))
    stage = models.CharField(_("所属阶段"), max_length=20, choices=Stage.choices)
    kind = models.CharField(_("材料类型"), max_length=20, choices=DocKind.choices)
    file = models.FileField(_("文件"), upload_to=document_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)
    file_kind = models.CharField(_("格式"), max_length=20, blank=True)
    uploaded_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("上传人"))

    class Meta:
        verbose_name = _("课题材料")
        verbose_name_plural = _("课题材料")
        ordering = ["created_at", "id"]


# —— 成果与荣誉 ——


class AchievementKind(models.TextChoices):
    PAPER_PUBLISHED = "paper_published", _("论文发表")
    PAPER_AWARD = "paper_award", _("论文获奖")
    LESSON_AWARD = "lesson_award", _("优质课/公开课获奖")
    CONTEST = "contest", _("基本功/课件/教学设计比赛")
    PROJECT_AWARD = "project_award", _("课题成果奖")
    HONOUR = "honour", _("荣誉称号")
    STUDENT_AWARD = "student_award", _("指导学生获奖")


class Rank(models.TextChoices):
    SPECIAL = "special", _("特等奖")
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")
    MERIT = "merit", _("优秀奖")
    NONE = "none", _("不分等次")


class AchievementStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    VERIFIED = "verified", _("已认定")
    RETURNED = "returned", _("已退回")


def evidence_path(instance, filename: str) -> str:
    return f"research/evidence/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class Achievement(TimeStampedModel, SoftDeleteModel, VersionedModel):
    """One paper, prize or honour. Joint work is one row with several credits: the school
    counts it once, each teacher is credited their share."""

    # What counts (成果 quotas and points, 考核, the region comparison, summaries, cards, 档案袋):
    # verified; deleted rows are hidden by `objects`, and `counted_through("achievement")` from a credit.
    COUNTED = models.Q(status=AchievementStatus.VERIFIED)

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="achievements", verbose_name=_("学校"))
    term = models.ForeignKey(
        "org.Term", null=True, blank=True, on_delete=models.SET_NULL, related_name="achievements", verbose_name=_("学期")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=AchievementKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    rank = models.CharField(_("等次"), max_length=20, choices=Rank.choices, default=Rank.NONE)
    issuer = models.CharField(_("颁发单位/刊物"), max_length=100)
    date = models.DateField(_("获奖/发表日期"))
    honour_kind = models.CharField(_("荣誉称号"), max_length=20, choices=HonourKind.choices, blank=True)
    students = models.CharField(_("获奖学生"), max_length=300, blank=True, help_text=_("指导学生获奖时填写，如：三(2)班 王小明、李可"))
    project = models.ForeignKey(
        ResearchProject, null=True, blank=True, on_delete=models.SET_NULL, related_name="achievements", verbose_name=_("所属课题")
    )
    evidence = models.FileField(_("证明材料"), upload_to=evidence_path, max_length=300, blank=True)
    evidence_name = models.CharField(_("证明文件名"), max_length=200, blank=True)
    evidence_kind = models.CharField(_("证明格式"), max_length=20, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=AchievementStatus.choices, default=AchievementStatus.PENDING, db_index=True)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    submitted_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("提交人"))
    verified_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("认定人")
    )
    verified_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    source_ref = models.CharField(_("导入来源"), max_length=80, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成果与荣誉")
        verbose_name_plural = _("成果与荣誉")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["school", "status", "date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:achievement_detail", args=[self.pk])

    @property
    def is_verified(self) -> bool:
        return self.status == AchievementStatus.VERIFIED

    @property
    def award_label(self) -> str:
        rank = "" if self.rank == Rank.NONE else self.get_rank_display()
        return f"{self.get_level_display()}{rank}"


class AchievementCredit(models.Model):
    """A teacher's part in an achievement: share (1 for sole work) and the reward points it
    earned under the school's rules when it was verified."""

    # A credit counts when its achievement does (`Achievement.COUNTED`, and not deleted).
    COUNTED = Achievement.counted_through("achievement")

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="credits", verbose_name=_("成果"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="achievement_credits", verbose_name=_("教师"))
    share = models.DecimalField(_("份额"), max_digits=4, decimal_places=2, default=1)
    order = models.PositiveSmallIntegerField(_("署名顺序"), default=1)
    points = models.DecimalField(_("奖励积分"), max_digits=6, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("成果署名")
        verbose_name_plural = _("成果署名")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["achievement", "teacher"], name="uniq_achievement_teacher")]


class RewardRule(models.Model):
    """《教育教学研究成果奖励办法》 as data: 国家级一等奖 10分, 省级 6分 … The most specific
    rule wins (kind + rank over rank only over level only)."""

    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="reward_rules", verbose_name=_("学校"))
    kind = models.CharField(_("成果类别"), max_length=20, choices=AchievementKind.choices, blank=True, help_text=_("留空：所有类别"))
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    rank = models.CharField(_("等次"), max_length=20, choices=Rank.choices, blank=True, help_text=_("留空：任何等次"))
    points = models.DecimalField(_("积分"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("奖励规则")
        verbose_name_plural = _("奖励规则")
        ordering = ["level", "kind", "rank"]
        constraints = [models.UniqueConstraint(fields=["school", "kind", "level", "rank"], name="uniq_reward_rule")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.get_rank_display() if self.rank else ''} {self.points}分"
