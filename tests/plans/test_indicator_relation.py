"""Measure.indicator_refs (a JSON list of ids) became the relation measure.indicators.

The data migration keeps every reference that still resolves within the measure's own
partnership (by id, or a free-text line by the indicator's name) and drops the rest.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("followup", "0002_search_index"), ("plans", "0001_initial")]
AFTER = [("followup", "0003_indicator_measures"), ("plans", "0002_remove_measure_indicator_refs")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Leave the schema migrated to the end: ``AFTER`` is not the newest state, and the
    tests that run later (the browser tests, in any order) need every column."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_refs_become_relation_and_dangling_ones_are_dropped(world):
    old = _migrate(BEFORE)
    Indicator = old.get_model("followup", "Indicator")
    ActionPlan = old.get_model("plans", "ActionPlan")
    Measure = old.get_model("plans", "Measure")
    mine = Indicator.objects.create(
        partnership_id=world.p1.pk, name="Skadegörelse", area_id=world.m1.pk
    )
    named = Indicator.objects.create(
        partnership_id=world.p1.pk, name="Trygghet", area_id=world.m1.pk
    )
    theirs = Indicator.objects.create(
        partnership_id=world.p2.pk, name="Söderby", area_id=world.m2.pk
    )
    plan = ActionPlan.objects.create(
        partnership_id=world.p1.pk, title="Plan", start_year=2025, end_year=2025
    )
    fields = {"plan": plan, "target_side": "place", "owner_id": world.kommun.pk}
    m1 = Measure.objects.create(
        title="Med referenser",
        start="2025-01-01",
        end="2025-12-31",
        indicator_refs=[
            {"app": "followup", "id": mine.pk},
            {"app": "followup", "id": 987654},  # deleted long ago
            {"app": "followup", "id": theirs.pk},  # another partnership's
            {"label": " trygghet "},
            "Polisens lägesbild",  # free text naming no indicator
        ],
        **fields,
    )
    m2 = Measure.objects.create(
        title="Utan", start="2025-01-01", end="2025-12-31", indicator_refs=[], **fields
    )

    new = _migrate(AFTER)
    Measure = new.get_model("plans", "Measure")
    assert "indicator_refs" not in {f.name for f in Measure._meta.get_fields()}
    linked = set(Measure.objects.get(pk=m1.pk).indicators.values_list("pk", flat=True))
    assert linked == {mine.pk, named.pk}
    assert not Measure.objects.get(pk=m2.pk).indicators.exists()

    # Back again: the relation is written out as references, nothing lost either way.
    old = _migrate(BEFORE)
    refs = old.get_model("plans", "Measure").objects.get(pk=m1.pk).indicator_refs
    assert sorted(r["id"] for r in refs) == sorted([mine.pk, named.pk])
    _migrate(AFTER)
