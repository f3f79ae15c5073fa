from django.urls import path

from . import views, views_calendar, views_minutes, views_prep, views_signin

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("settings/", views.activity_settings, name="settings"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/status/<str:action>/", views.activity_transition, name="transition"),
    path("<int:pk>/invite/", views.activity_invite, name="invite"),
    path("<int:pk>/leave/", views.leave_create, name="leave"),
    path("<int:pk>/attendance.xlsx", views.attendance_export, name="export"),
    path("attendance/<int:pk>/", views.attendance_update, name="attendance_update"),
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    # sign-in
    path("<int:pk>/host/", views_signin.host_screen, name="host_screen"),
    path("<int:pk>/host/qr/", views_signin.host_qr, name="host_qr"),
    path("<int:pk>/checkin/", views_signin.checkin, name="checkin"),
    path("<int:pk>/checkin/<str:token>/", views_signin.checkin_token, name="checkin_token"),
    # minutes
    path("<int:pk>/minutes/", views_minutes.minutes_edit, name="minutes"),
    path("<int:pk>/minutes/autosave/", views_minutes.minutes_autosave, name="minutes_autosave"),
    path("<int:pk>/minutes/attach/", views_minutes.minutes_attach, name="minutes_attach"),
    # scheduling and calendars
    path("slots/new/", views_calendar.slot_new, name="slot_new"),
    path("week/", views_calendar.my_week, name="week"),
    path("month/", views_calendar.my_month, name="month"),
    path("term/", views_calendar.school_term, name="school_term"),
    path("term/group/<int:pk>/", views_calendar.group_term, name="group_term"),
    path("monthly/", views_calendar.monthly, name="monthly"),
    path("calendar/", views_calendar.calendar_feed, name="calendar_feed"),
    path("calendar/<str:token>.ics", views_calendar.ics_feed, name="ics"),
    path("outside-reports/", views_calendar.outside_reports, name="outside_reports"),
    # 集体备课 and lesson study
    path("preps/", views_prep.prep_list, name="prep_list"),
    path("preps/new/", views_prep.prep_create, name="prep_create"),
    path("preps/<int:pk>/", views_prep.prep_detail, name="prep_detail"),
    path("preps/<int:pk>/versions/new/", views_prep.version_create, name="version_create"),
    path("preps/<int:pk>/compare/", views_prep.version_compare, name="version_compare"),
    path("versions/<int:pk>/", views_prep.version_detail, name="version_detail"),
    path("versions/<int:pk>/reflection/", views_prep.version_reflection, name="version_reflection"),
    path("series/", views_prep.series_list, name="series_list"),
    path("series/new/", views_prep.series_create, name="series_create"),
    path("series/<int:pk>/", views_prep.series_detail, name="series_detail"),
    path("series/<int:pk>/rounds/", views_prep.round_add, name="round_add"),
]
