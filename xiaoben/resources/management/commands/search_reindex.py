from django.core.management.base import BaseCommand

from xiaoben.resources import search


class Command(BaseCommand):
    help = "重建全文检索索引（资源、研修文章、活动与记录、听课反馈…）；--access 只重算各条目的可见范围（不分词，快）。"

    def add_arguments(self, parser):
        parser.add_argument("categories", nargs="*", help="只重建这些类别，如 resource writing")
        parser.add_argument("--access", action="store_true", help="只重算可见范围标记与权限词（迁移 0005 之后）")

    def handle(self, *args, categories=None, access=False, **opts):
        counts = (search.refill_access if access else search.reindex)(categories or None)
        for category, n in counts.items():
            self.stdout.write(f"{category}: {n}")
