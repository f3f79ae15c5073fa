from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "xiaoben.assessment"
    label = "assessment"
    verbose_name = "考核"
