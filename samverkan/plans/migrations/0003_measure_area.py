import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_area_levels_and_border_history"),
        ("plans", "0002_remove_measure_indicator_refs"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="area",
            field=models.ForeignKey(
                blank=True,
                help_text="Där åtgärden görs, om den gäller en del av planens område.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.area",
                verbose_name="område",
            ),
        ),
    ]
