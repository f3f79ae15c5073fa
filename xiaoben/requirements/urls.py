from django.urls import path

from . import views, views_region

app_name = "requirements"

urlpatterns = [
    path("me/", views.mine, name="mine"),
    path("grid/", views.grid, name="grid"),
    path("grid/remind/", views.remind, name="remind"),
    path("cell/<int:requirement_id>/<int:teacher_id>/", views.cell, name="cell"),
    path("manage/", views.manage, name="manage"),
    path("manage/adopt/", views.adopt, name="adopt"),
    path("manage/new/", views.edit, name="create"),
    path("manage/<int:pk>/", views.edit, name="edit"),
    path("manage/<int:pk>/delete/", views.delete, name="delete"),
    path("import/", views.import_plan, name="import"),
    path("region/", views_region.region_manage, name="region_manage"),
    path("region/new/", views_region.region_edit, name="region_create"),
    path("region/<int:pk>/", views_region.region_edit, name="region_edit"),
    path("region/<int:pk>/retire/", views_region.region_retire, name="region_retire"),
]
