from django.contrib import admin

from .models import (
    Activity,
    ActivityMinutes,
    ActivitySlot,
    Attendance,
    LessonPlanVersion,
    LessonPrep,
    LessonStudyRound,
    LessonStudySeries,
)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["teacher"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "kind", "starts_at", "status"]
    list_filter = ["kind", "status", "school"]
    search_fields = ["title"]
    raw_id_fields = ["host", "recorder", "group", "term", "slot", "report_for", "created_by"]
    inlines = [AttendanceInline]


@admin.register(ActivitySlot)
class ActivitySlotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "school", "term"]
    raw_id_fields = ["host", "recorder", "group", "term"]


@admin.register(ActivityMinutes)
class ActivityMinutesAdmin(admin.ModelAdmin):
    list_display = ["activity", "saved_at"]
    raw_id_fields = ["activity", "author"]


class VersionInline(admin.StackedInline):
    model = LessonPlanVersion
    extra = 0
    raw_id_fields = ["author", "based_on", "writing"]


@admin.register(LessonPrep)
class LessonPrepAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "lead", "created_at"]
    raw_id_fields = ["lead", "group", "activity", "term"]
    inlines = [VersionInline]


class RoundInline(admin.TabularInline):
    model = LessonStudyRound
    extra = 0
    raw_id_fields = ["activity", "teacher"]


@admin.register(LessonStudySeries)
class LessonStudySeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "school"]
    inlines = [RoundInline]
