"""Import areas (kommuner, län, districts ...) from a GeoJSON file.

Idempotent: an area is matched by country, level and code, so a re-run updates names and
geometries in place and creates nothing twice. Invalid geometries are repaired with
``shapely.make_valid`` and reported, never silently dropped.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.db import transaction
from shapely.geometry import mapping, shape

from samverkan.core import audit
from samverkan.core.models import Area


class AreaImportError(Exception):
    """The file cannot be imported; the message says which feature and field."""


@dataclass
class AreaImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_geojson(path: Path | str) -> dict:
    path = Path(path)
    if not path.exists():
        raise AreaImportError(f"Filen finns inte: {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
        raise AreaImportError(f"{path.name} är inte en läsbar GeoJSON-fil: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise AreaImportError(
            f"{path.name} är inte GeoJSON: en FeatureCollection väntades på toppnivå."
        )
    if not isinstance(data.get("features"), list):
        raise AreaImportError(f"{path.name}: 'features' saknas eller är ingen lista.")
    return data


def _clean_geometry(raw, label: str, report: AreaImportReport) -> dict:
    try:
        geom = shape(raw)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise AreaImportError(f"{label}: geometrin kan inte läsas ({exc}).") from exc
    if geom.is_empty:
        raise AreaImportError(f"{label}: geometrin är tom.")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        geom = shapely.make_valid(geom)
        # make_valid can return a collection with stray lines; an area is its polygons.
        if geom.geom_type == "GeometryCollection":
            polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
            geom = shapely.union_all(polys)
        report.repaired.append(f"{label}: ogiltig geometri lagad ({reason}).")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise AreaImportError(f"{label}: ytgeometri väntades, fick {geom.geom_type}.")
    # Round-trip through JSON so the stored form (lists) compares equal on a re-run.
    return json.loads(json.dumps(mapping(geom)))


def _code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_areas(
    path: Path | str,
    *,
    level: str,
    code_field: str,
    name_field: str,
    country: str = "SE",
    parent_level: str | None = None,
    parent_field: str | None = None,
    code_width: int | None = None,
    actor=None,
) -> AreaImportReport:
    """Create or update one level of areas from a GeoJSON FeatureCollection.

    Parameters
    ----------
    code_width : int, optional
        Left-pad numeric codes with zeros (kommun codes are 4 digits, "0114").
    """
    if level not in Area.Level.values:
        raise AreaImportError(
            f"Okänd nivå '{level}'. Giltiga nivåer: {', '.join(Area.Level.values)}."
        )
    if (parent_level is None) != (parent_field is None):
        raise AreaImportError("--parent-level och --parent-field anges tillsammans.")
    data = read_geojson(path)
    report = AreaImportReport()
    parents: dict[str, Area] = {}
    if parent_level:
        parents = {a.code: a for a in Area.objects.filter(country=country, level=parent_level)}
        if not parents:
            raise AreaImportError(
                f"Det finns inga områden på nivån '{parent_level}' ({country}) att koppla till: "
                "importera dem först."
            )
    rows: dict[str, dict] = {}
    for number, feature in enumerate(data["features"], start=1):
        report.read += 1
        props = (feature or {}).get("properties") or {}
        label = f"Objekt {number}"
        for field_name in [code_field, name_field] + ([parent_field] if parent_field else []):
            if field_name not in props or props[field_name] in (None, ""):
                available = ", ".join(sorted(props)) or "inga"
                raise AreaImportError(
                    f"{label}: fältet '{field_name}' saknas. Fält i filen: {available}."
                )
        code = _code(props[code_field])
        if code_width and code.isdigit():
            code = code.zfill(code_width)
        label = f"Objekt {number} ({code} {props[name_field]})"
        if code in rows:
            raise AreaImportError(f"{label}: koden {code} förekommer två gånger i filen.")
        geometry = _clean_geometry(feature.get("geometry"), label, report)
        parent = None
        if parent_field:
            parent_code = _code(props[parent_field])
            if parent_code.isdigit() and parent_code.zfill(2) in parents:
                parent_code = parent_code.zfill(2)
            parent = parents.get(parent_code)
            if parent is None:
                report.warnings.append(f"{label}: överordnat område '{parent_code}' finns inte.")
        rows[code] = {
            "name": str(props[name_field]).strip(),
            "geometry": geometry,
            "parent": parent,
        }

    with transaction.atomic():
        existing = {a.code: a for a in Area.objects.filter(country=country, level=level)}
        to_create, to_update = [], []
        for code, row in rows.items():
            min_lon, min_lat, max_lon, max_lat = shape(row["geometry"]).bounds
            values = {
                "name": row["name"],
                "geometry": row["geometry"],
                "parent": row["parent"],
                "min_lon": min_lon,
                "min_lat": min_lat,
                "max_lon": max_lon,
                "max_lat": max_lat,
            }
            area = existing.get(code)
            if area is None:
                to_create.append(Area(code=code, level=level, country=country, **values))
                continue
            changed = any(
                getattr(area, k) != v for k, v in values.items() if k != "parent"
            ) or area.parent_id != (row["parent"].pk if row["parent"] else None)
            if changed:
                for k, v in values.items():
                    setattr(area, k, v)
                to_update.append(area)
            else:
                report.unchanged += 1
        Area.objects.bulk_create(to_create, batch_size=100)
        if to_update:
            Area.objects.bulk_update(
                to_update,
                ["name", "geometry", "parent", "min_lon", "min_lat", "max_lon", "max_lat"],
                batch_size=100,
            )
        report.created, report.updated = len(to_create), len(to_update)
        if not (report.created or report.updated):
            return report
        audit.record(
            "area.import",
            actor=actor,
            details={
                "file": Path(path).name,
                "level": level,
                "country": country,
                "created": report.created,
                "updated": report.updated,
                "repaired": len(report.repaired),
            },
        )
    return report
