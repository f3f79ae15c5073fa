from django.contrib import admin

from .models import Requirement


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "applies_to", "metric", "period", "threshold", "active"]
    list_filter = ["period", "applies_to", "active", "school"]
    search_fields = ["name"]
    raw_id_fields = ["school", "region", "school_year", "group", "created_by"]
