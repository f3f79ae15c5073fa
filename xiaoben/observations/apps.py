from django.apps import AppConfig


class ObservationsConfig(AppConfig):
    name = "xiaoben.observations"
    label = "observations"
    verbose_name = "听课评课"
