from django.urls import path

from . import views, views_import

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("import/", views_import.plan_import, name="import"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/analysis/", views.insert_analysis, name="insert_analysis"),
    path("<int:pk>/sections/<int:section_id>/delete/", views.section_delete, name="section_delete"),
    path("<int:pk>/items/new/", views.item_edit, name="item_create"),
    path("<int:pk>/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/items/<int:item_id>/mark/", views.item_mark, name="item_mark"),
    path("<int:pk>/items/<int:item_id>/slot/", views.item_slot, name="item_slot"),
    path("<int:pk>/schedule/", views.schedule_month, name="schedule_month"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/publish/", views.plan_publish, name="publish"),
    path("<int:pk>/review/", views.plan_review, name="review"),
    path("<int:pk>/new-version/", views.plan_new_version, name="new_version"),
    path("<int:pk>/delete/", views.plan_delete, name="delete"),
    path("<int:pk>/attach/", views.plan_attach, name="attach"),
    path("<int:pk>/docx/", views.plan_export, name="export"),
]
