"""One category-subtree rule: a category counts with every category below it, at any depth.

The incident list, the API's filter, the point map, the lägesbild and the indicators all
select the same categories for the same code, because they all call
:mod:`samverkan.incidents.categories`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse

import samverkan
from samverkan.followup.services import incident_rows
from samverkan.incidents import points
from samverkan.incidents.categories import subtree, subtree_ids
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category
from samverkan.situation.build.common import Categories


def test_subtree_takes_every_depth_and_survives_a_cycle():
    parent_of = {1: None, 2: 1, 3: 2, 4: 3, 5: 4, 6: None, 7: 6}
    assert subtree(parent_of, [1]) == {1, 2, 3, 4, 5}
    assert subtree(parent_of, [3, 6]) == {3, 4, 5, 6, 7}
    assert subtree(parent_of, [99]) == set()
    assert subtree({1: 2, 2: 1, 3: 1}, [1]) == {1, 2, 3}


@pytest.fixture
def tree(db):
    """A four-level chain under a new top category, and an unrelated top category."""
    top = Category.objects.create(code="t_top", label_sv="Topp")
    node = top
    chain = [top]
    for depth in range(1, 4):
        node = Category.objects.create(code=f"t_d{depth}", label_sv=f"Nivå {depth}", parent=node)
        chain.append(node)
    other = Category.objects.create(code="t_other", label_sv="Annat")
    return chain, other


def test_every_caller_selects_the_same_categories(tree):
    chain, other = tree
    expected = {c.pk for c in chain}
    assert subtree_ids("t_top") == expected
    assert subtree_ids(["t_top", "t_other"]) == expected | {other.pk}
    assert subtree_ids("t_d2") == {chain[2].pk, chain[3].pk}
    assert subtree_ids("no_such_code") == set()
    assert set(points.category_ids("t_top")) == expected
    with pytest.raises(Category.DoesNotExist):
        points.category_ids("no_such_code")
    assert Categories().descendants(["t_top"]) == expected


def test_lists_and_indicators_count_the_deepest_category(world, tree, client_for):
    chain, other = tree
    when = datetime(2025, 3, 5, 12, tzinfo=UTC)
    rows = [
        IncidentRow(
            "rapport",
            when,
            cat.pk,
            external_id=f"sub{i}",
            lon=15.5,
            lat=59.5,
            organisation_id=world.kommun.pk,
        )
        for i, cat in enumerate([*chain, other])
    ]
    ids = ingest(rows).incident_ids
    in_tree = set(ids[: len(chain)])

    counted = incident_rows(world.m1, world.p1, codes=["t_top"])
    assert set(counted.values_list("incident_id", flat=True)) == in_tree

    client = client_for(world.users["coordinator"])
    response = client.get(reverse("incident-triage"), {"category": chain[0].pk})
    assert response.status_code == 200
    listed = {i.pk for i in response.context["object_list"]}
    assert listed == in_tree, "the incident list must include categories at every depth"


def test_no_module_walks_the_category_tree_itself():
    root = Path(samverkan.__file__).parent
    # A hand-written walk through parent links stops at a fixed depth.
    walking = re.compile(r"category__parent__")
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "categories.py"
        and walking.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
