from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "xiaoben.activities"
    label = "activities"
    verbose_name = "研修活动"

    def ready(self) -> None:
        from . import copycheck  # noqa: F401  (registers lesson plans as a text source of the copy check)
