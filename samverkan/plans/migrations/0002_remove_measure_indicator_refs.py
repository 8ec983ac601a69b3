"""The JSON list of indicator references is gone: followup's 0003 turned it into the
relation Indicator.measures (measure.indicators) before this drops the column."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("followup", "0003_indicator_measures"),
    ]

    operations = [
        migrations.RemoveField(model_name="measure", name="indicator_refs"),
    ]
