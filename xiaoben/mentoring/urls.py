from django.urls import path

from . import views, views_admin

app_name = "mentoring"

urlpatterns = [
    path("", views.overview, name="list"),
    path("records/", views.records, name="records"),
    path("pair/", views_admin.pair_bulk, name="pair_bulk"),
    path("quotas/", views_admin.quotas, name="quotas"),
    path("agreements/", views_admin.agreements, name="agreements"),
    path("remind/", views_admin.remind, name="remind"),
    path("ratings/", views_admin.ratings, name="ratings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views_admin.edit, name="edit"),
    path("<int:pk>/quotas/", views_admin.pair_quotas, name="pair_quotas"),
    path("<int:pk>/agreement/", views_admin.agreement, name="agreement"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/report/<str:ym>/", views.report, name="report"),
    path("<int:pk>/evaluate/<str:role>/", views.evaluate, name="evaluate"),
]
