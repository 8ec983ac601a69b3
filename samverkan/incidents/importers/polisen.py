"""Import the police events feed (polisen.se ``api/events``; JSON array or JSON lines).

The feed places each event at the centre of a named municipality or county, never at the
event itself, so these incidents count for that area but get ``municipality``/``county``
precision and are never drawn as points nor used in point analyses. A county-level event
whose title ends with a municipality in that county ("…, Töreboda") is placed in that
municipality: the title is more precise than the location field.
"""

from __future__ import annotations

from pathlib import Path

from samverkan.core.models import Area
from samverkan.demo_data import iter_police_events
from samverkan.incidents.importers.base import ImportFileError, ImportSummary, Reject
from samverkan.incidents.ingest import IncidentRow
from samverkan.incidents.models import Category, Precision, SourceMapping
from samverkan.incidents.polisen import parse_event, resolve_place
from samverkan.incidents.validation import time_problem

SOURCE = "polisen"


def read_rows(path: Path, *, source: str = SOURCE) -> tuple[list[IncidentRow], ImportSummary]:
    summary = ImportSummary()
    mapping = dict(SourceMapping.objects.filter(source=SOURCE).values_list("value", "category_id"))
    other = Category.objects.get(code="police_other")
    summary_ids = set(Category.objects.filter(is_summary=True).values_list("id", flat=True))
    areas = {(a.level, a.code): a.pk for a in Area.objects.filter(country="SE")}
    rows: list[IncidentRow] = []
    unknown_types: set[str] = set()
    try:
        events = list(enumerate(iter_police_events(path), start=1))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{path.name} kan inte läsas som polisens händelseflöde: {exc}")
    for line, obj in events:
        summary.read += 1
        try:
            event = parse_event(obj)
        except (KeyError, TypeError, ValueError) as exc:
            summary.rejects.append(Reject(line, "datetime/name/location", str(exc), str(obj)[:200]))
            continue
        if problem := time_problem(event.occurred_at):
            summary.rejects.append(Reject(line, "datetime/name", problem, str(obj)[:200]))
            continue
        category_id = mapping.get(event.type)
        if category_id is None:
            unknown_types.add(event.type)
            category_id = other.pk
        place = resolve_place(event.place_name)
        if place is None:
            summary.rejects.append(
                Reject(line, "location.name", f"okänd ort '{event.place_name}'", event.external_id)
            )
            continue
        precision = Precision.COUNTY if place.level == "county" else Precision.MUNICIPALITY
        area_id = areas.get((place.level, place.code))
        if place.level == "county" and event.title_place:
            refined = resolve_place(event.title_place)
            if refined and refined.level == "municipality" and refined.county_code == place.code:
                area_id = areas.get(("municipality", refined.code), area_id)
                precision = Precision.MUNICIPALITY
        if area_id is None:
            summary.rejects.append(
                Reject(line, "location.name", f"området {place.code} är inte importerat", "")
            )
            continue
        rows.append(
            IncidentRow(
                source=source,
                external_id=event.external_id,
                occurred_from=event.occurred_at,
                reported_at=event.published_at,
                category_id=category_id,
                description=event.summary,
                lon=event.lon,
                lat=event.lat,
                precision=precision,
                place_name=event.title_place or event.place_name,
                visibility="public",
                url=event.url,
                is_summary=event.is_summary or event.is_information or category_id in summary_ids,
                area_ids=[area_id],
            )
        )
    for t in sorted(unknown_types):
        summary.warnings.append(f"Okänd händelsetyp '{t}': lagd under 'Övriga polisärenden'.")
    return rows, summary
