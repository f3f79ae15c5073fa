from django.urls import path

from . import views_exports

app_name = "reports"

urlpatterns = [
    path("exports/", views_exports.export_page, name="exports"),
    path("exports/<str:identifier>/start/", views_exports.export_start, name="export_start"),
    path("jobs/<str:token>/", views_exports.job_detail, name="job"),
    path("jobs/<str:token>/download/", views_exports.job_download, name="job_download"),
]
