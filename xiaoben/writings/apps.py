from django.apps import AppConfig


class WritingsConfig(AppConfig):
    name = "xiaoben.writings"
    label = "writings"
    verbose_name = "研修文章"
