from django.contrib import admin
from django.urls import include, path

from xiaoben.api.urls import api

urlpatterns = [
    path("", include("xiaoben.core.urls")),
    path("org/", include("xiaoben.org.urls")),
    path("activities/", include("xiaoben.activities.urls")),
    path("observations/", include("xiaoben.observations.urls")),
    path("writings/", include("xiaoben.writings.urls")),
    path("mentoring/", include("xiaoben.mentoring.urls")),
    path("research/", include("xiaoben.research.urls")),
    path("hours/", include("xiaoben.hours.urls")),
    path("requirements/", include("xiaoben.requirements.urls")),
    path("plans/", include("xiaoben.plans.urls")),
    path("assessment/", include("xiaoben.assessment.urls")),
    path("resources/", include("xiaoben.resources.urls")),
    path("reports/", include("xiaoben.reports.urls")),
    path("messaging/", include("xiaoben.messaging.urls")),
    path("region/", include("xiaoben.region.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

handler500 = "xiaoben.core.views.server_error"
