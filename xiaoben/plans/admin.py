from django.contrib import admin

from .models import Plan, PlanItem, PlanReview, PlanSection


class SectionInline(admin.StackedInline):
    model = PlanSection
    extra = 0


class ItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    fk_name = "plan"
    raw_id_fields = ("group", "person", "slot", "origin")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "level", "school", "status", "revision", "is_current")
    list_filter = ("level", "status")
    search_fields = ("title",)
    raw_id_fields = (
        "school",
        "region",
        "group",
        "teacher",
        "term",
        "school_year",
        "supersedes",
        "copied_from",
        "created_by",
        "reviewed_by",
    )
    inlines = [SectionInline, ItemInline]


admin.site.register(PlanReview)
