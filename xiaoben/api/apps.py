from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "xiaoben.api"
    label = "api"
    verbose_name = "API"
