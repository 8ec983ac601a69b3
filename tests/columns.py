"""Which large columns a query selects (tests of pages and the API that name things).

A border (``geometry``) is megabytes, a lägesbild's frozen figures and a meeting's agenda
and minutes are kilobytes: a page that lists or names such rows must not read them.
"""

from __future__ import annotations

import re

# The frozen content of a lägesbild, a tertial report and a meeting.
FROZEN = ("snapshot", "assessments", "agenda", "minutes", "minutes_html")


def column_reads(sql: str, column: str) -> tuple[bool, bool]:
    """(selects ``column`` at all, selects it through a join) for one query.

    Only the column itself counts: a JSON path into it (``JSON_EXTRACT("t"."snapshot",
    '$.x')``, ``"t"."snapshot" -> 'x'``) reads a part. A column read through a join is a
    row loaded with ``select_related`` to print its name; the query's own table is where
    a page that shows the content reads it.
    """
    head, _, tail = sql.partition(" FROM ")
    pattern = rf'((?:"\w+")|(?:T\d+))\."{column}"(?=,\s*"|,\s*T\d|\s*$)'
    tables = re.findall(pattern, head)
    main = tail.split()[0] if tail else ""
    return bool(tables), any(t != main for t in tables)


def border_reads(sql: str) -> tuple[bool, bool]:
    """:func:`column_reads` of an area's border."""
    return column_reads(sql, "geometry")
