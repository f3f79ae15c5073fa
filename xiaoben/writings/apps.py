from django.apps import AppConfig


class WritingsConfig(AppConfig):
    name = "xiaoben.writings"
    label = "writings"
    verbose_name = "研修文章"

    def ready(self) -> None:
        from . import detection  # noqa: F401  (registers writings as a text source of the copy check)
