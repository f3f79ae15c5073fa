from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "xiaoben.activities"
    label = "activities"
    verbose_name = "研修活动"
