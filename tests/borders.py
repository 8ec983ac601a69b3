"""Which border columns a query selects (tests of pages and the API that name areas)."""

from __future__ import annotations

import re

COLUMN = re.compile(r'((?:"\w+")|(?:T\d+))\."geometry"')


def border_reads(sql: str) -> tuple[bool, bool]:
    """(selects a border at all, selects one through a join) for one query.

    A border read through a join is an area loaded with ``select_related`` to print its
    name; the query's own table (an area, a recorded border) is where a map reads one.
    """
    head, _, tail = sql.partition(" FROM ")
    tables = COLUMN.findall(head)
    main = tail.split()[0] if tail else ""
    return bool(tables), any(t != main for t in tables)
