from django.urls import path

from . import views

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
]
