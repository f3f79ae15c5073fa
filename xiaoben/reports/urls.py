from django.urls import path

from . import views_archive, views_books, views_exports, views_summary, views_templates

app_name = "reports"

urlpatterns = [
    path("", views_summary.summary_page, name="summary"),
    path("summary/save/", views_summary.summary_save, name="summary_save"),
    path("summary/docx/", views_summary.summary_docx, name="summary_docx"),
    path("summary/rows/<str:key>/", views_summary.summary_rows, name="summary_rows"),
    path("books/activities/", views_books.activity_book, name="activity_book"),
    path("books/observations/", views_books.observation_book, name="observation_book"),
    path("portfolio/", views_books.portfolio, name="portfolio"),
    path("templates/", views_templates.templates_page, name="templates"),
    path("templates/<str:document>/default/", views_templates.template_default, name="template_default"),
    path("templates/<str:document>/current/", views_templates.template_current, name="template_current"),
    path("templates/<str:document>/upload/", views_templates.template_upload, name="template_upload"),
    path("templates/<str:document>/preview/", views_templates.template_preview, name="template_preview"),
    path("templates/<str:document>/reset/", views_templates.template_reset, name="template_reset"),
    path("terms/", views_archive.terms, name="terms"),
    path("terms/<int:pk>/", views_archive.term_detail, name="term"),
    path("terms/<int:pk>/close/", views_archive.term_close, name="term_close"),
    path("terms/<int:pk>/reopen/", views_archive.term_reopen, name="term_reopen"),
    path("terms/<int:pk>/archive/", views_archive.term_archive, name="term_archive"),
    path("exports/", views_exports.export_page, name="exports"),
    path("exports/<str:identifier>/start/", views_exports.export_start, name="export_start"),
    path("jobs/<str:token>/", views_exports.job_detail, name="job"),
    path("jobs/<str:token>/download/", views_exports.job_download, name="job_download"),
]
