from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "xiaoben.resources"
    label = "resources"
    verbose_name = "资源库"
