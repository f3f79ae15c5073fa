from django.urls import path

from . import views_exports, views_summary

app_name = "reports"

urlpatterns = [
    path("", views_summary.summary_page, name="summary"),
    path("summary/save/", views_summary.summary_save, name="summary_save"),
    path("summary/docx/", views_summary.summary_docx, name="summary_docx"),
    path("summary/rows/<str:key>/", views_summary.summary_rows, name="summary_rows"),
    path("exports/", views_exports.export_page, name="exports"),
    path("exports/<str:identifier>/start/", views_exports.export_start, name="export_start"),
    path("jobs/<str:token>/", views_exports.job_detail, name="job"),
    path("jobs/<str:token>/download/", views_exports.job_download, name="job_download"),
]
