"""Pages that offer areas to choose never read the areas' borders.

A real municipality's or county's border is megabytes of GeoJSON: read for every choice
(and for every request, through a limited membership's areas) it was most of a page's
answer. Only a map or a computation reads a border.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samverkan.core.models import Membership

PAGES = [
    ("coordinator", "incident-triage"),
    ("reporter", "incident-report"),
    ("coordinator", "situation-create"),
    ("coordinator", "problem-create"),
]


def border_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if '"core_area"."geometry"' in q["sql"]]


@pytest.mark.parametrize("limited", [False, True], ids=["whole", "limited-membership"])
@pytest.mark.parametrize(("who", "name"), PAGES)
def test_area_choices_leave_the_borders_unread(world, client_for, who, name, limited):
    user = world.users[who]
    if limited:
        Membership.objects.get(user=user).areas.set([world.m1])
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse(name))
    assert page.status_code == 200
    # The choices are there: the municipality is offered by name.
    assert "Norrby" in page.content.decode()
    assert border_reads(queries.captured_queries) == []
