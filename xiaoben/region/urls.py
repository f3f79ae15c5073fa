from django.urls import path

from . import views, views_alliance, views_compare, views_home

app_name = "region"

urlpatterns = [
    path("", views_home.workspace, name="home"),
    path("compare/", views_compare.compare, name="compare"),
    path("compare/export/", views_compare.compare_export, name="compare_export"),
    path("compliance/", views_compare.compliance, name="compliance"),
    path("compare/<int:school_id>/<slug:measure>/", views_compare.compare_cell, name="compare_cell"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/lessons/new/", views.lesson_add, name="lesson_add"),
    path("visits/<int:pk>/respond/", views.visit_respond, name="visit_respond"),
    path("visits/<int:pk>/close/", views.visit_close, name="visit_close"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson"),
    path("alliances/", views_alliance.alliance_list, name="alliances"),
    path("alliances/<int:pk>/", views_alliance.alliance_detail, name="alliance"),
    path("alliances/<int:pk>/edit/", views_alliance.alliance_edit, name="alliance_edit"),
    path("alliances/<int:pk>/compare/export/", views_alliance.alliance_export, name="alliance_export"),
    path("alliances/<int:pk>/compare/<int:school_id>/<slug:measure>/", views_alliance.alliance_cell, name="alliance_cell"),
]
