from django.contrib import admin

from .models import CatalogueEntry, Resource, ResourceFile, ShowcaseEntry, ShowcaseRound


class FileInline(admin.TabularInline):
    model = ResourceFile
    extra = 0
    fields = ["name", "kind", "role", "version", "is_current", "size"]
    readonly_fields = fields


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "kind", "subject", "grade", "visibility", "share_state", "download_count"]
    list_filter = ["kind", "visibility", "share_state", "subject"]
    search_fields = ["title", "keywords"]
    raw_id_fields = ["author", "uploaded_by", "catalogue", "group", "share_decided_by"]
    inlines = [FileInline]


@admin.register(CatalogueEntry)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["subject", "edition", "grade", "volume", "order", "name", "school", "region"]
    list_filter = ["subject", "edition", "grade"]


@admin.register(ShowcaseRound)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "subject", "opens_on", "closes_on", "status"]


@admin.register(ShowcaseEntry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["round", "school", "teacher", "resource", "average", "rank", "level"]
    raw_id_fields = ["teacher", "resource", "nominated_by"]
