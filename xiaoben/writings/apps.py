from django.apps import AppConfig


class WritingsConfig(AppConfig):
    name = "xiaoben.writings"
    label = "writings"
    verbose_name = "研修文章"

    def ready(self) -> None:
        from xiaoben.activities import reflections
        from xiaoben.core.tenancy import visible_to

        from . import detection  # noqa: F401  (registers writings as a text source of the copy check)
        from .models import Writing

        def own(teacher):
            qs = Writing.objects.filter(kind="reflection").order_by("-written_on")
            return qs.filter(author=teacher) if teacher is not None else qs

        reflections.register(
            reflections.ReflectionSource(own=own, visible=lambda user, pk: visible_to(user, Writing).filter(pk=pk).exists())
        )
