from django.urls import path

from . import views, views_admin

app_name = "org"

urlpatterns = [
    path("teachers/", views.teachers, name="teachers"),
    path("teachers/new/", views_admin.teacher_new, name="teacher_new"),
    path("teachers/inactive/", views_admin.teachers_inactive, name="teachers_inactive"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher_detail"),
    path("teachers/<int:pk>/edit/", views_admin.teacher_edit, name="teacher_edit"),
    path("teachers/<int:pk>/active/", views_admin.teacher_active, name="teacher_active"),
    path("teachers/<int:pk>/password/", views_admin.teacher_password, name="teacher_password"),
    path("roster/template/", views_admin.roster_template, name="roster_template"),
    path("roster/import/", views_admin.roster_import, name="roster_import"),
    path("roster/export/", views_admin.roster_export, name="roster_export"),
    path("archive/", views_admin.school_archive, name="school_archive"),
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views_admin.group_new, name="group_new"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views_admin.group_edit, name="group_edit"),
    path("terms/", views.terms, name="terms"),
    path("calendar/", views_admin.calendar, name="calendar"),
    path("terms/new/", views_admin.term_new, name="term_new"),
    path("terms/<int:pk>/edit/", views_admin.term_edit, name="term_edit"),
    path("analysis/", views_admin.analysis, name="analysis"),
    path("analysis/export/", views_admin.analysis_export, name="analysis_export"),
]
