from django.urls import path

from . import views, views_files, views_search, views_showcase

app_name = "resources"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("new/", views.resource_create, name="create"),
    path("search/", views_search.search_page, name="search"),
    path("search/suggest/", views_search.suggest, name="suggest"),
    path("public/", views.public_list, name="public"),
    path("public/<int:school_id>/", views.public_list, name="public_school"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/options/", views.catalogue_options, name="catalogue_options"),
    path("publish/<str:what>/<int:pk>/", views.publish_record, name="publish"),
    path("<int:pk>/", views.resource_detail, name="detail"),
    path("<int:pk>/edit/", views.resource_edit, name="edit"),
    path("<int:pk>/files/", views.file_add, name="file_add"),
    path("<int:pk>/share/", views.share, name="share"),
    path("<int:pk>/share/decide/", views.share_decide, name="share_decide"),
    path("<int:pk>/favourite/", views.favourite, name="favourite"),
    path("<int:pk>/prep/", views.prep_link, name="prep_link"),
    path("<int:pk>/delete/", views.resource_delete, name="delete"),
    path("files/<int:pk>/", views_files.file_serve, name="file"),
    path("files/<int:pk>/preview.pdf", views_files.file_preview_pdf, name="file_pdf"),
    path("files/<int:pk>/remove/", views.file_remove, name="file_remove"),
    path("showcase/", views_showcase.round_list, name="rounds"),
    path("showcase/new/", views_showcase.round_create, name="round_create"),
    path("showcase/<int:pk>/", views_showcase.round_detail, name="round"),
    path("showcase/<int:pk>/nominate/", views_showcase.round_nominate, name="round_nominate"),
    path("showcase/<int:pk>/advance/", views_showcase.round_advance, name="round_advance"),
    path("showcase/entries/<int:pk>/score/", views_showcase.entry_score, name="entry_score"),
]
