from django.apps import AppConfig


class ObservationsConfig(AppConfig):
    name = "xiaoben.observations"
    label = "observations"
    verbose_name = "听课评课"

    def ready(self) -> None:
        from . import similarity  # noqa: F401  (registers feedback as a text source of the copy check)
