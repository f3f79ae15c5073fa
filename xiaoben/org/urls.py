from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("teachers/", views.teachers, name="teachers"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher_detail"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("terms/", views.terms, name="terms"),
]
