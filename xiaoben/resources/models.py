"""The resource library (资源库), its textbook catalogue, use (favourites, lesson-prep
links), the search index and 晒课 rounds. Names follow SPEC §4."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoben.core.models import SoftDeleteModel, TimeStampedModel, VersionedModel


class ResourceKind(models.TextChoices):
    LESSON_PLAN = "lesson_plan", _("教案/教学设计")
    COURSEWARE = "courseware", _("课件")
    VIDEO = "video", _("课例视频")
    CASE = "case", _("教学案例")
    EXERCISE = "exercise", _("试题/作业设计")
    MICRO = "micro", _("微课")
    OTHER = "other", _("其他")


class Edition(models.TextChoices):
    TONGBIAN = "tongbian", _("统编版")
    PEP = "pep", _("人教版")
    BNU = "bnu", _("北师大版")
    SUJIAO = "sujiao", _("苏教版")
    FLTRP = "fltrp", _("外研版")
    ZHEJIAO = "zhejiao", _("浙教版")
    OTHER = "other", _("其他")


class Volume(models.IntegerChoices):
    FIRST = 1, _("上册")
    SECOND = 2, _("下册")
    WHOLE = 3, _("全一册")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("仅自己")
    GROUP = "group", _("本组")
    SCHOOL = "school", _("本校")
    REGION = "region", _("区域共享")
    PUBLIC = "public", _("公开")


class ShareState(models.TextChoices):
    """Region and public sharing wait for the school admin's approval."""

    NONE = "none", _("无需审批")
    PENDING = "pending", _("待学校审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class CatalogueEntry(TimeStampedModel):
    """One unit/chapter of a textbook (学科 · 版本 · 年级 · 册 · 单元). Built-in rows have
    neither school nor region; a school or a district extends the catalogue with its own."""

    subject = models.CharField(_("学科"), max_length=20)
    edition = models.CharField(_("教材版本"), max_length=20, choices=Edition.choices)
    grade = models.PositiveSmallIntegerField(_("年级"))
    volume = models.PositiveSmallIntegerField(_("册"), choices=Volume.choices, default=Volume.FIRST)
    name = models.CharField(_("单元/章节"), max_length=100)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    school = models.ForeignKey("org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    region = models.ForeignKey("org.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("区域"))

    class Meta:
        verbose_name = _("教材目录")
        verbose_name_plural = _("教材目录")
        ordering = ["subject", "edition", "grade", "volume", "order", "id"]
        indexes = [models.Index(fields=["subject", "edition", "grade", "volume"])]

    def __str__(self) -> str:
        return f"{self.get_edition_display()}{self.subject}{self.grade}年级{self.get_volume_display()} {self.name}"


class Resource(TimeStampedModel, SoftDeleteModel, VersionedModel):
    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="resources", verbose_name=_("学校"))
    author = models.ForeignKey(
        "org.Teacher", null=True, blank=True, on_delete=models.PROTECT, related_name="resources", verbose_name=_("作者")
    )
    coauthors = models.ManyToManyField("org.Teacher", blank=True, related_name="coauthored_resources", verbose_name=_("合作者"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人"))
    kind = models.CharField(_("资源类型"), max_length=20, choices=ResourceKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("简介"), blank=True, max_length=20000)
    subject = models.CharField(_("学科"), max_length=20, blank=True)
    grade = models.PositiveSmallIntegerField(_("年级"), null=True, blank=True)
    edition = models.CharField(_("教材版本"), max_length=20, choices=Edition.choices, blank=True)
    volume = models.PositiveSmallIntegerField(_("册"), choices=Volume.choices, null=True, blank=True)
    catalogue = models.ForeignKey(
        CatalogueEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources", verbose_name=_("单元/章节")
    )
    unit = models.CharField(_("单元/章节"), max_length=100, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("用空格或逗号分隔"))
    visibility = models.CharField(_("共享范围"), max_length=20, choices=Visibility.choices, default=Visibility.SCHOOL)
    group = models.ForeignKey("org.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("小组"))
    share_state = models.CharField(_("共享审批"), max_length=20, choices=ShareState.choices, default=ShareState.NONE)
    share_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审批人")
    )
    share_decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    # The record this resource was published from (a 示范课 activity, a writing, a lesson study).
    origin_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    origin_label = models.CharField(_("来源"), max_length=200, blank=True)
    origin_stats = models.JSONField(_("来源数据"), default=dict, blank=True)
    download_count = models.PositiveIntegerField(_("下载次数"), default=0)
    view_count = models.PositiveIntegerField(_("浏览次数"), default=0)

    class Meta:
        verbose_name = _("资源")
        verbose_name_plural = _("资源")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["school", "visibility"]),
            models.Index(fields=["visibility", "share_state"]),
            models.Index(fields=["subject", "grade"]),
            models.Index(fields=["origin_type", "origin_id"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shared_beyond_school(self) -> bool:
        return self.visibility in (Visibility.REGION, Visibility.PUBLIC) and self.share_state == ShareState.APPROVED

    @property
    def effective_visibility(self) -> str:
        """Region/public waiting for approval are read as 本校 meanwhile."""
        if self.visibility in (Visibility.REGION, Visibility.PUBLIC) and self.share_state != ShareState.APPROVED:
            return Visibility.SCHOOL
        return self.visibility

    def comment_audience(self) -> list[int]:
        return [self.author.user_id] if self.author_id and self.author else []

    def comments_open_to(self, scope) -> bool:
        """A resource shared to the region (or public) takes comments from every teacher who reads
        it — another school's too (the door has already let them read it); a 本校/本组 resource
        only from its own school (another school's teacher cannot even open it: 404)."""
        return self.shared_beyond_school and scope.can("comments:write")

    @property
    def tag_text(self) -> str:
        from xiaoben.org.choices import GRADE_NAMES

        parts = [
            self.get_kind_display(),
            self.subject,
            GRADE_NAMES.get(self.grade or 0, ""),
            self.get_edition_display() if self.edition else "",
        ]
        if self.volume:
            parts.append(self.get_volume_display())
        parts += [self.unit, self.keywords]
        return " ".join(str(p) for p in parts if p)


class FileRole(models.TextChoices):
    DESIGN = "design", _("教学设计/教案")
    SLIDES = "slides", _("课件")
    VIDEO = "video", _("课堂实录")
    TALK = "talk", _("说课")
    OTHER = "other", _("其他")


class PreviewState(models.TextChoices):
    NONE = "none", _("无预览")
    PENDING = "pending", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


def resource_file_path(instance: ResourceFile, filename: str) -> str:
    return f"resources/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class ResourceFile(TimeStampedModel):
    """A file of a resource. A new upload with the same name becomes the next version;
    the earlier ones stay downloadable."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files", verbose_name=_("资源"))
    file = models.FileField(_("文件"), upload_to=resource_file_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    kind = models.CharField(_("类型"), max_length=20)  # core.uploads kind: pdf, docx, pptx, xlsx, image, video, text
    role = models.CharField(_("用途"), max_length=20, choices=FileRole.choices, default=FileRole.OTHER)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人"))
    preview_text = models.TextField(_("文本预览"), blank=True)
    preview_pdf = models.FileField(_("PDF预览"), upload_to=resource_file_path, max_length=300, blank=True)
    preview_state = models.CharField(_("预览"), max_length=20, choices=PreviewState.choices, default=PreviewState.NONE)

    class Meta:
        verbose_name = _("资源文件")
        verbose_name_plural = _("资源文件")
        ordering = ["resource_id", "role", "name", "-version"]
        indexes = [models.Index(fields=["resource", "is_current"])]

    def __str__(self) -> str:
        return self.name

    @property
    def mimetype(self) -> str:
        import mimetypes

        guess = mimetypes.guess_type(self.name)[0]
        return guess or {"pdf": "application/pdf", "video": "video/mp4", "text": "text/plain; charset=utf-8"}.get(
            self.kind, "application/octet-stream"
        )


class Favourite(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="favourites", verbose_name=_("资源"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("用户"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("收藏")
        verbose_name_plural = _("收藏")
        constraints = [models.UniqueConstraint(fields=["resource", "user"], name="uniq_resource_favourite")]


class PrepLink(models.Model):
    """“用于我的备课”: a resource linked to a 集体备课 draft."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="prep_links", verbose_name=_("资源"))
    prep = models.ForeignKey("activities.LessonPrep", on_delete=models.CASCADE, related_name="resource_links", verbose_name=_("集体备课"))
    linked_by = models.ForeignKey("org.Teacher", on_delete=models.CASCADE, related_name="+", verbose_name=_("关联人"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("备课引用")
        verbose_name_plural = _("备课引用")
        constraints = [models.UniqueConstraint(fields=["resource", "prep"], name="uniq_resource_prep")]


class SearchEntry(models.Model):
    """One searchable record (a resource, a writing, an activity with its minutes, an
    observation's feedback …). `tokens` is the jieba segmentation of title, tags and body,
    space separated; the full-text index over it is an FTS5 table on SQLite and a generated
    tsvector column with a GIN index on PostgreSQL (see migrations and search.py)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    school = models.ForeignKey("org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20)  # resource, writing, activity, observation …
    kind = models.CharField(max_length=30, blank=True)
    kind_label = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=20, blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    edition = models.CharField(max_length=20, blank=True)
    author = models.ForeignKey("org.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=50, blank=True)
    day = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=200)
    tags = models.CharField(max_length=400, blank=True)
    body = models.TextField(blank=True)
    tokens = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    # Who may read the record, for the common cases (search.py, "the door on the entry"): kept by
    # the indexers from the record's own fields. A flag grants only what the record's rule grants;
    # the rest (own school, personal links) is asked of the rule itself.
    shared_public = models.BooleanField(default=False)  # everyone, also without signing in
    shared_district = models.BooleanField(default=False)  # teachers of the school's district
    shared_alliance = models.BooleanField(default=False)  # and of the school's alliances
    region_staff = models.BooleanField(default=False)  # 教研员 whose region holds the school
    acl = models.TextField(blank=True)  # the same as lexemes of the full-text index ("§…")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="uniq_search_entry")]
        indexes = [
            models.Index(fields=["category", "school"]),
            models.Index(fields=["author"]),
        ]  # and, on PostgreSQL, (day DESC NULLS LAST, id DESC) for broad words (migration 0005)


# ---- 晒课 -------------------------------------------------------------------------


class RoundStatus(models.TextChoices):
    OPEN = "open", _("报名中")
    SCORING = "scoring", _("评审中")
    PUBLISHED = "published", _("已公布")


class ShowcaseRound(TimeStampedModel):
    """A 晒课 round opened by the district: subject, grades, dates and the rubric.
    `rubric` is [{"name": "教学设计", "max": 30}, …]; `levels` is [{"name": "区优", "min": 90}, …]
    from the highest down."""

    region = models.ForeignKey("org.Region", on_delete=models.CASCADE, related_name="showcase_rounds", verbose_name=_("区域"))
    title = models.CharField(_("名称"), max_length=200)
    subject = models.CharField(_("学科"), max_length=20)
    grades = models.JSONField(_("年级"), default=list, blank=True)
    opens_on = models.DateField(_("报名开始"))
    closes_on = models.DateField(_("报名截止"))
    scoring_ends_on = models.DateField(_("评审截止"), null=True, blank=True)
    rubric = models.JSONField(_("评价量表"), default=list)
    levels = models.JSONField(_("等级"), default=list)
    per_school_limit = models.PositiveSmallIntegerField(_("每校推荐上限"), default=3)
    status = models.CharField(_("状态"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    experts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="showcase_rounds", verbose_name=_("评审专家"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("晒课活动")
        verbose_name_plural = _("晒课活动")
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def max_total(self) -> int:
        return sum(int(c.get("max", 0)) for c in self.rubric)


class ShowcaseEntry(TimeStampedModel):
    round = models.ForeignKey(ShowcaseRound, on_delete=models.CASCADE, related_name="entries", verbose_name=_("晒课活动"))
    school = models.ForeignKey("org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    teacher = models.ForeignKey("org.Teacher", on_delete=models.PROTECT, related_name="showcase_entries", verbose_name=_("执教教师"))
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="showcase_entries", verbose_name=_("课例资源"))
    talk = models.TextField(_("说课"), max_length=20000)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("推荐人"))
    average = models.DecimalField(_("平均分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    level = models.CharField(_("等级"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("晒课推荐")
        verbose_name_plural = _("晒课推荐")
        ordering = ["round_id", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "resource"], name="uniq_showcase_resource")]

    def __str__(self) -> str:
        return f"{self.teacher.name}《{self.resource.title}》"


class ShowcaseScore(TimeStampedModel):
    entry = models.ForeignKey(ShowcaseEntry, on_delete=models.CASCADE, related_name="scores", verbose_name=_("推荐"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("专家"))
    items = models.JSONField(_("分项得分"), default=list)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=1)
    comment = models.TextField(_("评语"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("晒课评分")
        verbose_name_plural = _("晒课评分")
        constraints = [models.UniqueConstraint(fields=["entry", "expert"], name="uniq_showcase_score")]
