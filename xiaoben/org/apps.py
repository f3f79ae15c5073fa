from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "xiaoben.org"
    label = "org"
    verbose_name = "学校与人员"
