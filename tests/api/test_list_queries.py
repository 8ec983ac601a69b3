"""No list of the API selects a border: none of its resources carries one.

Each row carries its area's id (and name); a municipality's border imported at full
resolution is megabytes, read once per row when a list joins its area with
``select_related``. The SELECT is the same with or without rows.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.columns import border_reads


def test_no_list_reads_an_area_border(aw, token_client):
    from samverkan.api.urls import router

    client = token_client(aw.users["coordinator"])
    listed = 0
    for prefix, _viewset, basename in router.registry:
        url = f"/api/{prefix}/"
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code != 200:
            continue
        listed += 1
        # No resource of the API carries a border, so none is read, joined or not.
        read = [q["sql"][:300] for q in ctx.captured_queries if border_reads(q["sql"])[0]]
        assert not read, (url, read)
    # Most resources list for a coordinator; a broken token would pass this empty.
    assert listed >= 15
