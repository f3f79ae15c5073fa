from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "xiaoben.reports"
    label = "reports"
    verbose_name = "报表与归档"

    def ready(self):
        # The apps below fill their documents through reportkit; the schools' own templates live here.
        from xiaoben.reportkit.documents import register_renderer

        from .documents import render_document

        register_renderer(render_document)
