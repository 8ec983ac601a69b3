"""The incident list as downloads (CSV, XLSX, GeoJSON rows) and as the triage map's points.

The views pick the incidents (the triage filter) and write the audit event; the rows and
features are built here, so the map, the downloads and any other page draw the same points
with the same rule: only incidents placed at a point or an address carry coordinates.
"""

from __future__ import annotations

import json

from django.db.models import TextField
from django.db.models.functions import Cast, TruncMinute
from django.urls import reverse
from django.utils import timezone

from samverkan.incidents.models import POINT_PRECISIONS, Category

EXPORT_HEADER = [
    "id",
    "källa",
    "externt_id",
    "inträffade_från",
    "inträffade_till",
    "kategori_kod",
    "kategori",
    "platstyp",
    "plats",
    "beskrivning",
    "lägesnoggrannhet",
    "lon",
    "lat",
    "status",
    "organisation",
    "synlighet",
]
# Points drawn on the triage map at most; the list says how many matched.
MAP_LIMIT = 5000


def export_rows(qs):
    """Rows of :data:`EXPORT_HEADER`, streamed; coordinates only for precise placements."""

    def local(dt):
        return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""

    for i in qs.iterator(chunk_size=2000):
        point = i.precision in POINT_PRECISIONS
        yield [
            i.pk,
            i.source,
            i.external_id,
            local(i.occurred_from),
            local(i.occurred_to),
            i.category.code,
            i.category.label_sv,
            i.place_type,
            i.place_name,
            i.description,
            i.precision,
            i.lon if point else None,
            i.lat if point else None,
            i.status,
            i.organisation.name if i.organisation else "",
            i.visibility,
        ]


def export_geojson(qs) -> bytes:
    """The rows of :func:`export_rows` as a GeoJSON FeatureCollection (no geometry when the
    incident has no precise place)."""
    features = []
    for row in export_rows(qs):
        props = dict(zip(EXPORT_HEADER, row, strict=True))
        lon, lat = props.pop("lon"), props.pop("lat")
        geom = {"type": "Point", "coordinates": [lon, lat]} if lon is not None else None
        features.append({"type": "Feature", "geometry": geom, "properties": props})
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode("utf-8")


def map_points(qs, limit: int = MAP_LIMIT) -> dict:
    """The triage map's GeoJSON: precisely placed incidents of ``qs``, at most ``limit``.

    Centroid-placed incidents are never drawn.
    """
    qs = qs.filter(precision__in=list(POINT_PRECISIONS), lon__isnull=False)
    # Plain rows, the category labels and the detail URL resolved once: building model
    # instances and reversing a URL per point cost ten times the query for 5,000 points.
    labels = {c.pk: c.label for c in Category.objects.all()}
    url_of = reverse("incident-detail", args=[987654321]).split("987654321")
    # The local minute as text, worked out by the database: Django's per-row loader of an
    # aware time on PostgreSQL is pure Python and cost a third of the map's answer (issue 15).
    minute = TruncMinute("occurred_from", tzinfo=timezone.get_current_timezone())
    rows = qs.annotate(at=Cast(minute, TextField())).values_list(
        "pk", "lon", "lat", "at", "status", "category_id"
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "name": f"{labels.get(category, '')} {at[:16]}",
                "url": f"{url_of[0]}{pk}{url_of[1]}",
                "status": status,
            },
        }
        for pk, lon, lat, at, status, category in rows[:limit]
    ]
    return {"type": "FeatureCollection", "features": features}
