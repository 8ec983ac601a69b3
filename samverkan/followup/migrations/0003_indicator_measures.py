"""Measure.indicator_refs (a JSON list that dangled when an indicator was deleted) becomes
the relation Indicator.measures.

Each reference is resolved within the measure's own partnership: ``{"id": 7}`` to that
indicator, a free-text line (``{"label": "..."}`` or a bare string) to the indicator of
that name. References that resolve to nothing are dropped: they pointed at an indicator
that no longer exists or never did.
"""

from django.db import migrations, models


def _resolve(ref, by_id, by_name):
    if isinstance(ref, dict):
        raw = ref.get("id")
        if raw is not None and str(raw).strip().isdigit():
            return by_id.get(int(str(raw).strip()))
        ref = ref.get("label", "")
    if isinstance(ref, str):
        return by_name.get(ref.strip().casefold())
    return None


def refs_to_relation(apps, schema_editor):
    Measure = apps.get_model("plans", "Measure")
    Indicator = apps.get_model("followup", "Indicator")
    Link = Indicator.measures.through
    indicators: dict[int, list] = {}
    for ind in Indicator.objects.only("id", "name", "partnership_id"):
        indicators.setdefault(ind.partnership_id, []).append(ind)
    links = set()
    for measure in Measure.objects.select_related("plan").only(
        "id", "indicator_refs", "plan__partnership_id"
    ):
        own = indicators.get(measure.plan.partnership_id, [])
        by_id = {i.pk: i for i in own}
        by_name = {i.name.strip().casefold(): i for i in own}
        for ref in measure.indicator_refs or []:
            found = _resolve(ref, by_id, by_name)
            if found is not None:
                links.add((found.pk, measure.pk))
    Link.objects.bulk_create(
        [Link(indicator_id=i, measure_id=m) for i, m in sorted(links)], batch_size=1000
    )


def relation_to_refs(apps, schema_editor):
    Measure = apps.get_model("plans", "Measure")
    Indicator = apps.get_model("followup", "Indicator")
    refs: dict[int, list] = {}
    for link in Indicator.measures.through.objects.select_related("indicator"):
        refs.setdefault(link.measure_id, []).append(
            {"app": "followup", "id": link.indicator_id, "label": link.indicator.name}
        )
    for measure_id, value in refs.items():
        Measure.objects.filter(pk=measure_id).update(indicator_refs=value)


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_search_index"),
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="measures",
            field=models.ManyToManyField(
                blank=True,
                related_name="indicators",
                to="plans.measure",
                verbose_name="åtgärder som indikatorn följer upp",
            ),
        ),
        migrations.RunPython(refs_to_relation, relation_to_refs),
    ]
