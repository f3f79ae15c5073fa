from django.urls import path

from . import views, views_rubrics, views_stats

app_name = "observations"

urlpatterns = [
    path("", views.observation_list, name="list"),
    path("new/", views.observation_edit, name="new"),
    path("autosave/", views.observation_autosave, name="autosave"),
    path("teachers/search/", views.teacher_search, name="teacher_search"),
    path("<int:pk>/", views.observation_detail, name="detail"),
    path("<int:pk>/edit/", views.observation_edit, name="edit"),
    path("<int:pk>/delete/", views.observation_delete, name="delete"),
    path("<int:pk>/withdraw/", views.observation_withdraw, name="withdraw"),
    path("<int:pk>/docx/", views.observation_docx, name="docx"),
    path("growth/", views_stats.teacher_growth, name="my_growth"),
    path("growth/<int:teacher_id>/", views_stats.teacher_growth, name="growth"),
    path("matrix/", views_stats.matrix, name="matrix"),
    path("flags/", views_stats.flags, name="flags"),
    path("flags/<int:pk>/resolve/", views_stats.flag_resolve, name="flag_resolve"),
    path("activities/", views_stats.activity_averages, name="activities"),
    path("series/<int:pk>/", views_stats.series_detail, name="series"),
    path("rubrics/", views_rubrics.rubric_list, name="rubrics"),
    path("rubrics/new/", views_rubrics.rubric_edit, name="rubric_new"),
    path("rubrics/<int:pk>/", views_rubrics.rubric_detail, name="rubric_detail"),
    path("rubrics/<int:pk>/edit/", views_rubrics.rubric_edit, name="rubric_edit"),
]
