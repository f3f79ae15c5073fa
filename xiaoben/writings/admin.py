from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Book, RecommendedBook, Writing


@admin.register(Writing)
class WritingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "author", "kind", "status", "char_count", "copied_share", "written_on", "deleted_at"]
    list_filter = ["kind", "status", "is_excellent", "school"]
    search_fields = ["title", "author__name"]
    raw_id_fields = ["author", "term", "book", "observation", "activity", "reviewed_by"]

    def get_queryset(self, request):
        return Writing.all_objects.select_related("author")  # deleted ones too: an admin restores them here


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "teacher", "school_year"]
    raw_id_fields = ["teacher", "school_year", "recommended"]


@admin.register(RecommendedBook)
class RecommendedBookAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "school"]
