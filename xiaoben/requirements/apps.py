from django.apps import AppConfig


class RequirementsConfig(AppConfig):
    name = "xiaoben.requirements"
    label = "requirements"
    verbose_name = "量化要求与考核"

    def ready(self) -> None:
        from . import kept

        kept.connect()  # kept metric values follow every write to what the metrics read
