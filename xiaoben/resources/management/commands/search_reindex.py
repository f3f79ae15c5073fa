from django.core.management.base import BaseCommand

from xiaoben.resources import search


class Command(BaseCommand):
    help = "重建全文检索索引（资源、研修文章、活动与记录、听课反馈…）。"

    def add_arguments(self, parser):
        parser.add_argument("categories", nargs="*", help="只重建这些类别，如 resource writing")

    def handle(self, *args, categories=None, **opts):
        counts = search.reindex(categories or None)
        for category, n in counts.items():
            self.stdout.write(f"{category}: {n}")
