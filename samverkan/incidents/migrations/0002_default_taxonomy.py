from django.db import migrations


def load(apps, schema_editor):
    from samverkan.incidents.taxonomy import load_default

    load_default(apps.get_model("incidents", "Category"), apps.get_model("incidents", "SourceMapping"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
