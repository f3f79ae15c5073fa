"""The 学时 targets move from school settings (hours_year_target, hours_cycle_target, read
with their own defaults 72 and 360) to requirements on `hours.total` (每年, 五年周期), so the
engine, the ledger, the home cards and 考核 read one number. Each school keeps its numbers;
a school that never set them gets the defaults it was shown (72, 360). A school that already
had a 五年周期 requirement on all its 学时 keeps that row, set to the number its ledger showed."""

from django.db import migrations

METRIC = "hours.total"
DEFAULTS = {"year": ("hours_year_target", 72, "每年"), "five_year": ("hours_cycle_target", 360, "五年周期")}


def forward(apps, schema_editor):
    School = apps.get_model("org", "School")
    Requirement = apps.get_model("requirements", "Requirement")
    for school in School.objects.all().iterator():
        settings = dict(school.settings or {})
        for period, (key, default, word) in DEFAULTS.items():
            try:
                target = int(float(settings.get(key, default)))
            except (TypeError, ValueError):
                target = default
            existing = [
                r
                for r in Requirement.objects.filter(
                    school=school, active=True, metric=METRIC, applies_to="all", period=period, school_year__isnull=True
                )
                if not (r.filters or {}).get("categories")
            ]
            if existing:
                r = existing[0]
                if target > 0 and r.threshold != target:
                    r.description = (f"原要求{r.threshold}学时；" + r.description)[:300]
                    r.threshold = target
                    r.save(update_fields=["threshold", "description"])
            elif target > 0:
                Requirement.objects.create(
                    school=school,
                    name=f"{word}学时不少于{target}学时",
                    metric=METRIC,
                    period=period,
                    threshold=target,
                    applies_to="all",
                    filters={},
                    order=90,
                    source="manual",
                )
        if "hours_year_target" in settings or "hours_cycle_target" in settings:
            settings.pop("hours_year_target", None)
            settings.pop("hours_cycle_target", None)
            school.settings = settings
            school.save(update_fields=["settings"])


def backward(apps, schema_editor):
    School = apps.get_model("org", "School")
    Requirement = apps.get_model("requirements", "Requirement")
    for school in School.objects.all().iterator():
        settings = dict(school.settings or {})
        for period, (key, _default, _word) in DEFAULTS.items():
            r = Requirement.objects.filter(school=school, active=True, metric=METRIC, applies_to="all", period=period).first()
            settings[key] = int(r.threshold) if r else 0
        school.settings = settings
        school.save(update_fields=["settings"])
        Requirement.objects.filter(school=school, metric=METRIC, period="year").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hours", "0003_scale_list_indexes"),
        ("requirements", "0006_year_period_and_overrides"),
        ("org", "0005_honour_other_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
