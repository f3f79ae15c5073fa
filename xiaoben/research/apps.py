from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "xiaoben.research"
    label = "research"
    verbose_name = "课题与成果"
