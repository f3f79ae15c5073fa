from django.apps import AppConfig


class RequirementsConfig(AppConfig):
    name = "xiaoben.requirements"
    label = "requirements"
    verbose_name = "量化要求与考核"
