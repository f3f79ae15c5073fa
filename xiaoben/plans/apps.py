from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "xiaoben.plans"
    label = "plans"
    verbose_name = "研修计划"
