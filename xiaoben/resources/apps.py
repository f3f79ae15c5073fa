from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "xiaoben.resources"
    label = "resources"
    verbose_name = "资源库"

    def ready(self) -> None:
        # The search index follows the records of every app that registers an indexer.
        from .search import autodiscover

        autodiscover()
