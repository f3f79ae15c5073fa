from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "xiaoben.reports"
    label = "reports"
    verbose_name = "报表与归档"
