from django.db import migrations

# The channels most partnerships use; the list is edited in the admin afterwards.
CHANNELS = ["Webb", "Sociala medier", "Brev", "Möte", "Lokaltidning", "Affisch"]


def add_channels(apps, schema_editor):
    Channel = apps.get_model("communication", "Channel")
    for i, name in enumerate(CHANNELS):
        Channel.objects.get_or_create(name=name, defaults={"sort_order": i * 10})


class Migration(migrations.Migration):
    dependencies = [("communication", "0001_initial")]

    operations = [migrations.RunPython(add_channels, migrations.RunPython.noop)]
