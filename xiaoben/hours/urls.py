from django.urls import path

from . import views, views_claims

app_name = "hours"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("teachers/<int:pk>/", views.teacher_ledger, name="teacher_ledger"),
    path("teachers/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
    path("region/", views.region_stats, name="region"),
    path("import/", views.import_hours, name="import"),
    path("settings/", views.hours_settings, name="settings"),
    path("claims/", views_claims.claims, name="claims"),
    path("claims/new/", views_claims.claim_new, name="claim_new"),
    path("claims/review/", views_claims.review, name="review"),
    path("claims/<int:pk>/", views_claims.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/edit/", views_claims.claim_edit, name="claim_edit"),
    path("claims/<int:pk>/approve/", views_claims.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/reject/", views_claims.claim_reject, name="claim_reject"),
]
