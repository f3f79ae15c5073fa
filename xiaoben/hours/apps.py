from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "xiaoben.hours"
    label = "hours"
    verbose_name = "学时"
