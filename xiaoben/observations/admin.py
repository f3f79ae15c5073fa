from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FeedbackFlag, Observation, ObservationScore, Rubric, RubricItem


class RubricItemInline(admin.TabularInline):
    model = RubricItem
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "version", "is_current", "is_default"]
    list_filter = ["school", "is_current"]
    inlines = [RubricItemInline]


class ScoreInline(admin.TabularInline):
    model = ObservationScore
    extra = 0
    raw_id_fields = ["item"]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    """Soft-deleted observations stay listed here so an admin can restore them."""

    list_display = ["lesson_date", "teacher", "observer", "lesson_title", "kind", "total", "status", "is_backfilled", "deleted_at"]
    list_filter = ["school", "kind", "status", "is_backfilled"]
    search_fields = ["lesson_title", "teacher__name", "observer__name"]
    raw_id_fields = ["teacher", "observer", "activity", "rubric", "term"]
    inlines = [ScoreInline]
    actions = ["restore"]

    def get_queryset(self, request):
        return Observation.all_objects.select_related("teacher", "observer")

    @admin.action(description="恢复所选的已删除听课记录")
    def restore(self, request, queryset):
        for obs in queryset.filter(deleted_at__isnull=False):
            obs.restore()


@admin.register(FeedbackFlag)
class FeedbackFlagAdmin(admin.ModelAdmin):
    list_display = ["observation", "similar_to", "similarity", "created_at", "resolved_at"]
    raw_id_fields = ["observation", "similar_to"]
