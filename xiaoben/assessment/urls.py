from django.urls import path

from . import views, views_admin

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review_queue, name="review"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("results/<int:pk>/self/", views.result_self, name="result_self"),
    path("results/<int:pk>/review/", views.result_review, name="result_review"),
    path("results/<int:pk>/return/", views.result_return, name="result_return"),
    path("results/<int:pk>/confirm/", views.result_confirm, name="result_confirm"),
    path("schemes/new/", views_admin.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/", views_admin.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/items/", views_admin.item_add, name="item_add"),
    path("schemes/<int:pk>/items/<int:item_pk>/delete/", views_admin.item_delete, name="item_delete"),
    path("schemes/<int:pk>/open/", views_admin.scheme_open, name="scheme_open"),
    path("schemes/<int:pk>/compute/", views_admin.scheme_compute, name="scheme_compute"),
    path("schemes/<int:pk>/confirm/", views_admin.scheme_confirm, name="scheme_confirm"),
    path("schemes/<int:pk>/lock/", views_admin.scheme_lock, name="scheme_lock"),
    path("schemes/<int:pk>/export/", views_admin.scheme_export, name="scheme_export"),
]
