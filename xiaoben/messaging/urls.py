from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("robots/", views.robots, name="robots"),
    path("robots/<int:pk>/", views.robot_edit, name="robot_edit"),
    path("robots/<int:pk>/test/", views.robot_test, name="robot_test"),
    path("robots/<int:pk>/delete/", views.robot_delete, name="robot_delete"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("preferences/", views.preferences, name="preferences"),
    path("school-defaults/", views.school_defaults, name="school_defaults"),
    path("n/<int:pk>/", views.open_notice, name="open"),
]
