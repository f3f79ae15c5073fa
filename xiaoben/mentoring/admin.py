from django.contrib import admin

from .models import Mentorship, MentorshipEvaluation, MentorshipNote, MentorshipReport


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "school", "school_year", "subject", "start_date", "is_active"]
    list_filter = ["school", "is_active"]
    search_fields = ["mentor__name", "mentee__name"]
    raw_id_fields = ["mentor", "mentee", "school_year", "created_by"]


@admin.register(MentorshipReport)
class MentorshipReportAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "month", "mentee_observed", "mentor_observed"]
    raw_id_fields = ["mentorship", "filed_by"]


@admin.register(MentorshipEvaluation)
class MentorshipEvaluationAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "role", "grade"]
    raw_id_fields = ["mentorship", "author"]


@admin.register(MentorshipNote)
class MentorshipNoteAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "author", "created_at"]
    raw_id_fields = ["mentorship", "author"]
