from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "xiaoben.research"
    label = "research"
    verbose_name = "课题与成果"

    def ready(self) -> None:
        # Reward points as a source of 考核 items (assessment's source registry).
        # Overdue stages join messaging's scheduled notices (the tick).
        from . import reminders, sources  # noqa: F401
