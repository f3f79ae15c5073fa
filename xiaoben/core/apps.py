from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "xiaoben.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        # Every app registers its visibility rules in `<app>/scopes.py`:
        # the one door (core.tenancy.visible_to) dispatches to them.
        autodiscover_modules("scopes")
        # Notification types (`<app>/notifications.py`) are registered before any is shown.
        autodiscover_modules("notifications")
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            reference_library,  # noqa: F401  (registers the library as a text source)
        )
