from django.db import migrations


def install(apps, schema_editor):
    from xiaoben.resources.catalogue_data import builtin_rows

    CatalogueEntry = apps.get_model("resources", "CatalogueEntry")
    CatalogueEntry.objects.bulk_create([CatalogueEntry(**row) for row in builtin_rows()])


def remove(apps, schema_editor):
    apps.get_model("resources", "CatalogueEntry").objects.filter(school=None, region=None).delete()


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_search_fulltext")]
    operations = [migrations.RunPython(install, remove)]
