from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "xiaoben.org"
    label = "org"
    verbose_name = "学校与人员"

    def ready(self) -> None:
        from xiaoben.core.scope import register_directory

        from . import scope

        register_directory(scope)  # core asks org through this (core never imports org)
