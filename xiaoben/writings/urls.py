from django.urls import path

from . import views, views_exports, views_library, views_reading

app_name = "writings"

urlpatterns = [
    path("", views.writing_list, name="list"),
    path("new/", views.writing_create, name="create"),
    path("autosave/", views.autosave_new, name="autosave_new"),
    path("<int:pk>/", views.writing_detail, name="detail"),
    path("<int:pk>/edit/", views.writing_edit, name="edit"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/submit/", views.writing_submit, name="submit"),
    path("<int:pk>/withdraw/", views.writing_withdraw, name="withdraw"),
    path("<int:pk>/review/", views.writing_review, name="review"),
    path("<int:pk>/copy-decide/", views.writing_copy_decide, name="copy_decide"),
    path("<int:pk>/delete/", views.writing_delete, name="delete"),
    path("shelf/", views_reading.shelf, name="shelf"),
    path("shelf/add/", views_reading.book_add, name="book_add"),
    path("books/<int:pk>/", views_reading.book_detail, name="book"),
    path("recommended/", views_reading.recommended, name="recommended"),
    path("recommended/<int:pk>/delete/", views_reading.recommended_delete, name="recommended_delete"),
    path("settings/", views_reading.settings_page, name="settings"),
    path("library/", views_library.library, name="library"),
    path("library/<int:pk>/delete/", views_library.library_delete, name="library_delete"),
    path("export/docx/", views_exports.teacher_docx, name="export_docx"),
    path("export/xlsx/", views_exports.school_xlsx, name="export_xlsx"),
]
