from django.db import migrations


def load(apps, schema_editor):
    from samverkan.incidents.taxonomy import POLICE_TYPES, default_categories, police_code

    Category = apps.get_model("incidents", "Category")
    SourceMapping = apps.get_model("incidents", "SourceMapping")
    by_code = {}
    for row in default_categories():
        parent = by_code.get(row.pop("parent"))
        cat, _ = Category.objects.update_or_create(
            code=row["code"], defaults={**row, "parent": parent}
        )
        by_code[cat.code] = cat
    for event_type in POLICE_TYPES:
        SourceMapping.objects.update_or_create(
            source="polisen",
            value=event_type,
            defaults={"category": by_code[police_code(event_type)]},
        )
    # Reporters pick from the EST groups; police types are for imports.
    Category.objects.filter(code__startswith="polis.").update(reportable=False)
    Category.objects.filter(code__in=["summary", "police_other", "accident"]).update(
        reportable=False
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
