from django.apps import AppConfig


class RegionConfig(AppConfig):
    name = "xiaoben.region"
    label = "region"
    verbose_name = "区域教研"

    def ready(self) -> None:
        from . import notifications, scopes, tally  # noqa: F401

        tally.connect()
