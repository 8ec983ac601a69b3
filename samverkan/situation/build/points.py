"""The period's rows read once into numpy: the point-level sections and the weekday x hour
profile start from them.
"""

from __future__ import annotations

import numpy as np
from django.db import connection

from samverkan.analysis import temporal
from samverkan.core import periods
from samverkan.incidents.models import (
    POINT_PRECISIONS,
)
from samverkan.situation.build.common import AORISTIC_MAX_HOURS, _epoch_seconds, _floats, _RawTime


class PointsMixin:
    """The current period's rows as arrays, the time-of-day profile and the point rows."""

    # ------------------------------------------------------------------ current rows
    _CURRENT_FIELDS = (
        "incident_id",
        "t_from",
        "t_to",
        "incident__precision",
        "incident__lon",
        "incident__lat",
        "incident__x",
        "incident__y",
        "incident__h3",
        "category_id",
        "incident__place_name",
        "organisation_id",
        "incident__source",
        "incident__reporter_id",
    )

    def current(self) -> dict[str, np.ndarray]:
        """The period's rows with the incident columns the sections need, as numpy columns.

        One query (the time profile, the point sections and the coverage all read the same
        rows), fetched through a plain cursor: Django's per-row converters cost more than
        the query for a county-year's tens of thousands of rows.
        """
        if self._current is None:
            qs = self.current_rows().annotate(
                t_from=_RawTime("occurred_from"), t_to=_RawTime("incident__occurred_to")
            )
            sql, params = qs.values_list(*self._CURRENT_FIELDS).query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            cols = list(zip(*rows)) if rows else [()] * len(self._CURRENT_FIELDS)
            self._current = {
                "id": np.array(cols[0], dtype=np.int64),
                "t": _epoch_seconds(cols[1]),
                "t_to": _epoch_seconds(cols[2]),
                "precision": np.array(cols[3], dtype=object),
                "lon": _floats(cols[4]),
                "lat": _floats(cols[5]),
                "x": _floats(cols[6]),
                "y": _floats(cols[7]),
                "h3": np.array(cols[8], dtype=object),
                "category": np.array(cols[9], dtype=np.int64),
                "place": np.array(cols[10], dtype=object),
                "organisation": np.array(cols[11], dtype=object),
                "source": np.array(cols[12], dtype=object),
                "reporter": np.array(cols[13], dtype=object),
            }
        return self._current

    # ------------------------------------------------------------------ time of day
    def weekday_hour(self) -> tuple[list[list[float]], str]:
        cur = self.current()
        if not cur["id"].size:
            return np.zeros((7, 24)).tolist(), "weekday x hour counts, local time"
        start, end = cur["t"], cur["t_to"]
        tz = periods.local_zone().key
        if not self.internal:
            # Integer counts by start time, so that small cells can be suppressed.
            grid = temporal.weekday_hour(start, tz).estimate
            return grid.astype(int).tolist(), "weekday x hour counts, local time"
        windowed = ~np.isnan(end) & (end > start) & (end - start <= AORISTIC_MAX_HOURS * 3600.0)
        grid = temporal.weekday_hour(start[~windowed], tz).estimate
        method = "weekday x hour counts, local time"
        if windowed.any():
            grid = (
                grid + temporal.aoristic_weekday_hour(start[windowed], end[windowed], tz).estimate
            )
            method = "aoristic weekday x hour (Ratcliffe 2002), local time"
        return [[round(float(v), 3) for v in row] for row in grid], method

    # ------------------------------------------------------------------ points
    def point_rows(self) -> dict[str, np.ndarray]:
        cur = self.current()
        keep = (
            np.isin(cur["precision"], list(POINT_PRECISIONS))
            & ~np.isnan(cur["lon"])
            & ~np.isnan(cur["lat"])
        )
        if not keep.any():
            return {}
        names = ("id", "lon", "lat", "x", "y", "h3", "category", "t", "place")
        return {k: cur[k][keep] for k in names}
