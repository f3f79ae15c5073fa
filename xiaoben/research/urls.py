from django.urls import path

from . import views, views_achievements, views_stats

app_name = "research"

urlpatterns = [
    path("", views_achievements.my_achievements, name="mine"),
    path("achievements/new/", views_achievements.achievement_new, name="achievement_new"),
    path("achievements/<int:pk>/", views_achievements.achievement_detail, name="achievement_detail"),
    path("achievements/<int:pk>/edit/", views_achievements.achievement_edit, name="achievement_edit"),
    path("achievements/<int:pk>/evidence/", views_achievements.evidence, name="evidence"),
    path("achievements/<int:pk>/verify/", views_achievements.achievement_verify, name="achievement_verify"),
    path("achievements/<int:pk>/return/", views_achievements.achievement_return, name="achievement_return"),
    path("achievements/<int:pk>/delete/", views_achievements.achievement_delete, name="achievement_delete"),
    path("teachers/<int:pk>/", views_achievements.teacher_achievements, name="teacher_achievements"),
    path("school/", views_stats.school, name="school"),
    path("school/export/", views_stats.school_export, name="school_export"),
    path("import/", views_stats.import_view, name="import"),
    path("rules/", views_stats.rules, name="rules"),
    path("region/", views_stats.region, name="region"),
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("projects/<int:pk>/advance/", views.project_advance, name="project_advance"),
    path("projects/<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:pk>/activities/", views.project_activity, name="project_activity"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
]
