from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Achievement, AchievementCredit, ProjectDocument, ProjectMember, ProjectStage, ResearchProject, RewardRule


class MemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ["teacher"]


class StageInline(admin.TabularInline):
    model = ProjectStage
    extra = 0
    raw_id_fields = ["confirmed_by"]


class DocumentInline(admin.TabularInline):
    model = ProjectDocument
    extra = 0
    raw_id_fields = ["uploaded_by"]


@admin.register(ResearchProject)
class ResearchProjectAdmin(SimpleHistoryAdmin):
    """Soft-deleted projects stay listed so an admin can restore them."""

    list_display = ["title", "school", "level", "stage", "leader", "stage_due", "deleted_at"]
    list_filter = ["school", "level", "stage"]
    search_fields = ["title", "number", "leader__name"]
    raw_id_fields = ["leader", "created_by"]
    inlines = [MemberInline, StageInline, DocumentInline]
    actions = ["restore"]

    def get_queryset(self, request):
        return ResearchProject.all_objects.select_related("school", "leader")

    @admin.action(description="恢复所选的已删除课题")
    def restore(self, request, queryset):
        for p in queryset.filter(deleted_at__isnull=False):
            p.restore()


class CreditInline(admin.TabularInline):
    model = AchievementCredit
    extra = 0
    raw_id_fields = ["teacher"]


@admin.register(Achievement)
class AchievementAdmin(SimpleHistoryAdmin):
    """Soft-deleted achievements stay listed so an admin can restore them."""

    list_display = ["title", "school", "kind", "level", "rank", "date", "status", "deleted_at"]
    list_filter = ["school", "kind", "level", "status"]
    search_fields = ["title", "issuer", "credits__teacher__name"]
    raw_id_fields = ["term", "project", "submitted_by", "verified_by"]
    inlines = [CreditInline]
    actions = ["restore"]

    def get_queryset(self, request):
        return Achievement.all_objects.select_related("school")

    @admin.action(description="恢复所选的已删除成果")
    def restore(self, request, queryset):
        for a in queryset.filter(deleted_at__isnull=False):
            a.restore()


@admin.register(RewardRule)
class RewardRuleAdmin(admin.ModelAdmin):
    list_display = ["school", "level", "kind", "rank", "points"]
    list_filter = ["school", "level"]
