"""Import areas (kommuner, stadsdelar, RegSO/DeSO, polisområden ...) from the files
municipalities have: GeoPackage, Shapefile (also zipped) and GeoJSON, in any CRS they declare.

GeoPackage and Shapefile are read with pyogrio, whose wheels carry GDAL, so no system GDAL
is needed (DESIGN §2). Geometries are reprojected to WGS84, which is what the database
stores.

Idempotent: an area is matched by country, level and code, so a re-run updates names and
geometries in place and creates nothing twice. Invalid geometries are repaired with
``shapely.make_valid`` and reported, never silently dropped. When a border changes, the old
one is kept as an :class:`~samverkan.core.models.AreaBorder` (valid from/to) and the apps
that derived data from the border are told (:data:`~samverkan.core.signals.area_borders_changed`).
Each area's parent is, unless the file or the caller names it, the area of the parent level
that holds the largest part of it, measured in the country's metric CRS.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import mapping, shape

from samverkan.core import audit
from samverkan.core.geo import project, to_wgs84
from samverkan.core.models import Area, AreaBorder
from samverkan.core.signals import area_borders_changed

WGS84 = "EPSG:4326"
# Decimal places kept of WGS84 degrees: 1e-7° is about a centimetre, far below any border's
# accuracy, and keeps the stored GeoJSON a third of the size of full doubles.
DECIMALS = 7
# The level an area normally lies in, used as the parent level when none is given.
DEFAULT_PARENT_LEVEL = {
    Area.Level.COUNTY: Area.Level.COUNTRY,
    Area.Level.MUNICIPALITY: Area.Level.COUNTY,
    Area.Level.DISTRICT: Area.Level.MUNICIPALITY,
    Area.Level.REGSO: Area.Level.MUNICIPALITY,
    Area.Level.DESO: Area.Level.REGSO,
    Area.Level.VULNERABLE_AREA: Area.Level.MUNICIPALITY,
    Area.Level.CUSTOM: Area.Level.MUNICIPALITY,
    Area.Level.POLICE_REGION: Area.Level.COUNTRY,
    Area.Level.POLICE_AREA: Area.Level.POLICE_REGION,
    Area.Level.LOCAL_POLICE_AREA: Area.Level.POLICE_AREA,
}
# Below this share of an area inside its best parent the match is reported as doubtful:
# the files probably do not belong together (another municipality, another CRS).
PARENT_MIN_SHARE = 0.5
GEOJSON_SUFFIXES = (".geojson", ".json", ".gz")
OGR_SUFFIXES = (".gpkg", ".shp", ".zip", ".fgb", ".gml", ".kml")


class AreaImportError(Exception):
    """The file cannot be imported; the message says which feature and field."""


@dataclass
class AreaImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    borders_changed: int = 0
    source_crs: str = ""
    layer: str = ""
    repaired: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # One line per area: code, name, what happened, and how its parent was found.
    areas: list[str] = field(default_factory=list)
    # What the apps holding data derived from borders did (e.g. incident links relinked).
    relinked: list[str] = field(default_factory=list)


@dataclass
class _Feature:
    props: dict
    geometry: shapely.Geometry | None


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


def _geojson_features(path: Path) -> tuple[list[_Feature], str | None]:
    data = read_geojson(path)
    # RFC 7946 GeoJSON is WGS84; older files (GDAL writes them) declare another CRS in a
    # "crs" member, e.g. {"type": "name", "properties": {"name": "EPSG:3006"}}.
    declared = ((data.get("crs") or {}).get("properties") or {}).get("name")
    features = []
    for number, feature in enumerate(data["features"], start=1):
        raw = (feature or {}).get("geometry")
        try:
            geom = shape(raw) if raw else None
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
            raise AreaImportError(
                f"Objekt {number}: geometrin kan inte läsas ({str(raw)[:80]})."
            ) from None
        features.append(_Feature((feature or {}).get("properties") or {}, geom))
    return features, declared


def _ogr_path(path: Path) -> str:
    if path.suffix.lower() == ".zip":
        try:
            names = zipfile.ZipFile(path).namelist()
        except zipfile.BadZipFile as exc:
            raise AreaImportError(f"{path.name} är ingen läsbar zip-fil: {exc}") from exc
        # A zipped Shapefile or GeoPackage: GDAL reads it in place through /vsizip/.
        inner = [n for n in names if n.lower().endswith((".shp", ".gpkg", ".geojson"))]
        if len(inner) == 1 and inner[0].lower().endswith((".gpkg", ".geojson")):
            return f"/vsizip/{path}/{inner[0]}"
        if not inner:
            raise AreaImportError(f"{path.name} innehåller ingen .shp-, .gpkg- eller .geojson-fil.")
        return f"/vsizip/{path}"
    return str(path)


def _ogr_features(path: Path, layer: str | None) -> tuple[list[_Feature], str | None, str]:
    import pyogrio
    import pyogrio.raw
    from pyogrio.errors import DataLayerError, DataSourceError

    source = _ogr_path(path)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(source)]
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise AreaImportError(f"{path.name} kan inte läsas: {exc}") from exc
    if layer is None:
        if len(layers) != 1:
            raise AreaImportError(
                f"{path.name} har {len(layers)} lager: välj ett med --layer "
                f"({', '.join(layers) or 'inga'})."
            )
        layer = layers[0]
    elif layer not in layers:
        raise AreaImportError(
            f"{path.name} har inget lager '{layer}'. Lager i filen: {', '.join(layers)}."
        )
    try:
        meta, _, wkb, columns = pyogrio.raw.read(source, layer=layer)
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise AreaImportError(f"{path.name}, lager {layer}: {exc}") from exc
    names = [str(n) for n in meta["fields"]]
    geoms = shapely.from_wkb(wkb) if wkb is not None else [None] * len(columns[0] if columns else 0)
    features = []
    for i, geom in enumerate(geoms):
        props = {}
        for name, values in zip(names, columns, strict=True):
            value = values[i]
            if isinstance(value, np.generic):
                value = value.item()
            props[name] = value
        features.append(_Feature(props, geom))
    return features, meta.get("crs"), layer


def read_features(
    path: Path | str, layer: str | None = None
) -> tuple[list[_Feature], str | None, str]:
    """The features of ``path``, the CRS it declares (None: none declared) and the layer read."""
    path = Path(path)
    if not path.exists():
        raise AreaImportError(f"Filen finns inte: {path}")
    suffix = path.suffix.lower()
    if suffix in GEOJSON_SUFFIXES:
        if layer:
            raise AreaImportError("--layer gäller GeoPackage och Shapefile, inte GeoJSON.")
        features, crs = _geojson_features(path)
        return features, crs, ""
    if suffix not in OGR_SUFFIXES:
        # An unknown ending may still be GeoJSON (".txt" from a download); say what else
        # can be read if it is not.
        try:
            features, crs = _geojson_features(path)
        except AreaImportError as exc:
            raise AreaImportError(
                f"{exc} Filformat som kan läsas: GeoPackage (.gpkg), Shapefile (.shp eller "
                ".zip) och GeoJSON (.geojson, .json, .gz)."
            ) from exc
        return features, crs, ""
    return _ogr_features(path, layer)


def _crs_name(declared: str | None, override: str | None, sample) -> str:
    """The CRS to read coordinates in: ``--crs`` first, then the file's own."""
    text = override or declared
    if not text:
        # A file without a CRS: only plain degrees can be assumed, anything else would
        # put the areas somewhere else without a word.
        minx, miny, maxx, maxy = sample
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            return WGS84
        raise AreaImportError(
            "Filen anger inget koordinatsystem och koordinaterna är inte grader: "
            "ange det med --crs (t.ex. EPSG:3006 för SWEREF 99 TM)."
        )
    try:
        crs = CRS.from_user_input(text)
    except CRSError as exc:
        raise AreaImportError(f"Okänt koordinatsystem '{text}': {exc}") from exc
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def _to_wgs84(geom, crs: str):
    if CRS.from_user_input(crs).equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))

    def _apply(x, y):
        lon, lat = to_wgs84(x, y, crs)
        return np.round(lon, DECIMALS), np.round(lat, DECIMALS)

    return shapely.transform(geom, _apply, interleaved=False)


def _polygons(geom):
    # make_valid can return a collection with stray lines; an area is its polygons.
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(polys)
    return geom


def _clean_geometry(geom, label: str, crs: str, report: AreaImportReport) -> dict:
    if geom is None:
        raise AreaImportError(f"{label}: geometrin saknas.")
    if geom.is_empty:
        raise AreaImportError(f"{label}: geometrin är tom.")
    if geom.has_z:
        geom = shapely.force_2d(geom)
    if not geom.is_valid:
        # Repaired in the file's own CRS, where the ring was drawn.
        reason = shapely.is_valid_reason(geom)
        geom = _polygons(shapely.make_valid(geom))
        report.repaired.append(f"{label}: ogiltig geometri lagad ({reason}).")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise AreaImportError(f"{label}: ytgeometri väntades, fick {geom.geom_type}.")
    geom = _to_wgs84(geom, crs)
    if not geom.is_valid:
        # Rounding to a centimetre can make a sliver ring touch itself: not the file's fault.
        geom = _polygons(shapely.make_valid(geom))
    # Round-trip through JSON so the stored form (lists) compares equal on a re-run.
    return json.loads(json.dumps(mapping(geom)))


def _code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _SpatialParents:
    """The area of a level that holds the largest part of a geometry (by metric area)."""

    def __init__(self, areas: list[Area], country: str):
        self.country = country
        self.areas = [a for a in areas if a.geometry]
        self.geoms = np.asarray([self._metric(a.geometry) for a in self.areas], dtype=object)
        self.tree = shapely.STRtree(self.geoms) if len(self.geoms) else None

    def _metric(self, geometry: dict):
        return shapely.transform(
            shape(geometry), lambda x, y: project(x, y, self.country), interleaved=False
        )

    def best(self, geometry: dict) -> tuple[Area | None, float]:
        """The parent and the share of ``geometry``'s area inside it (0 when none)."""
        if self.tree is None:
            return None, 0.0
        geom = shapely.make_valid(self._metric(geometry))
        total = geom.area
        candidates = self.tree.query(geom, predicate="intersects")
        if not len(candidates) or total <= 0:
            return None, 0.0
        overlaps = shapely.area(shapely.intersection(self.geoms[candidates], geom))
        k = int(np.argmax(overlaps))
        if overlaps[k] <= 0:
            return None, 0.0
        return self.areas[int(candidates[k])], float(overlaps[k] / total)


def end_border(area: Area, old_geometry, now, current: AreaBorder | None) -> list[AreaBorder]:
    """End the border of ``area`` in force until ``now``; its successor starts at ``now``.

    ``current`` is the area's open :class:`AreaBorder` (None when the area was imported
    before the history began: its old border is then returned, unsaved, with an open
    start). Shared by the import and by own areas drawn on the map (core/own_areas.py).
    """
    if current is not None:
        current.valid_to = now
        current.save(update_fields=["valid_to"])
        return []
    if old_geometry:
        return [AreaBorder(area=area, geometry=old_geometry, valid_to=now)]
    return []


def _progress(items, total: int, show: bool):
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc="Områden", unit="område", leave=False)


def import_areas(
    path: Path | str,
    *,
    level: str,
    code_field: str,
    name_field: str,
    country: str = "SE",
    parent_level: str | None = None,
    parent_field: str | None = None,
    parent_code: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    population_field: str | None = None,
    code_width: int | None = None,
    actor=None,
    progress: bool = False,
) -> AreaImportReport:
    """Create or update one level of areas from a GeoPackage, Shapefile or GeoJSON file.

    Parameters
    ----------
    level : str
        The :class:`~samverkan.core.models.Area.Level` of every area in the file.
    code_field, name_field : str
        The attributes holding each area's code and name.
    parent_level : str, optional
        The level parents are taken from; default :data:`DEFAULT_PARENT_LEVEL` of ``level``.
    parent_field : str, optional
        An attribute holding the parent's code. Without it (and without ``parent_code``)
        each area's parent is found spatially: the area of ``parent_level`` holding the
        largest part of it.
    parent_code : str, optional
        One parent (of ``parent_level``) for every area of the file.
    layer : str, optional
        The layer to read (GeoPackage with several layers, zip with several Shapefiles).
    crs : str, optional
        The file's CRS when it declares none or declares it wrongly (e.g. ``EPSG:3006``).
    code_width : int, optional
        Left-pad numeric codes with zeros (kommun codes are 4 digits, "0114").
    progress : bool
        Show a progress bar (the command does, for long files).
    """
    if level not in Area.Level.values:
        raise AreaImportError(
            f"Okänd nivå '{level}'. Giltiga nivåer: {', '.join(Area.Level.values)}."
        )
    if parent_field and parent_code:
        raise AreaImportError("Ange antingen --parent eller --parent-field, inte båda.")
    explicit_level = parent_level is not None
    parent_level = parent_level or DEFAULT_PARENT_LEVEL.get(level)
    if parent_level == level:
        raise AreaImportError("Ett område kan inte ha ett överordnat område på samma nivå.")
    if parent_level and parent_level not in Area.Level.values:
        raise AreaImportError(f"Okänd nivå '{parent_level}'.")
    features, declared_crs, layer_read = read_features(path, layer)
    report = AreaImportReport(layer=layer_read)
    geoms = [f.geometry for f in features if f.geometry is not None and not f.geometry.is_empty]
    bounds = shapely.total_bounds(np.asarray(geoms, dtype=object)) if geoms else (0, 0, 0, 0)
    source_crs = _crs_name(declared_crs, crs, bounds)
    report.source_crs = source_crs

    candidates: list[Area] = []
    fixed_parent = None
    if parent_level:
        candidates = list(Area.objects.filter(country=country, level=parent_level))
        if not candidates and (explicit_level or parent_field or parent_code):
            raise AreaImportError(
                f"Det finns inga områden på nivån '{parent_level}' ({country}) att koppla till: "
                "importera dem först."
            )
        if not candidates:
            report.warnings.append(
                f"Inga områden på nivån '{parent_level}' ({country}): inget överordnat område satt."
            )
    if parent_code:
        fixed_parent = next((a for a in candidates if a.code == parent_code), None)
        if fixed_parent is None:
            raise AreaImportError(f"Överordnat område '{parent_code}' ({parent_level}) finns inte.")
    by_code = {a.code: a for a in candidates}
    spatial = (
        _SpatialParents(candidates, country)
        if candidates and not (parent_field or parent_code)
        else None
    )

    rows: dict[str, dict] = {}
    fields = [code_field, name_field] + [f for f in (parent_field, population_field) if f]
    for number, feature in enumerate(
        _progress(features, len(features), progress and len(features) > 50), start=1
    ):
        report.read += 1
        props = feature.props
        label = f"Objekt {number}"
        for field_name in fields:
            if field_name not in props or props[field_name] in (None, ""):
                available = ", ".join(sorted(props)) or "inga"
                raise AreaImportError(
                    f"{label}: fältet '{field_name}' saknas. Fält i filen: {available}."
                )
        code = _code(props[code_field])
        if code_width and code.isdigit():
            code = code.zfill(code_width)
        name = str(props[name_field]).strip()
        label = f"Objekt {number} ({code} {name})"
        if code in rows:
            raise AreaImportError(f"{label}: koden {code} förekommer två gånger i filen.")
        geometry = _clean_geometry(feature.geometry, label, source_crs, report)
        parent, how = None, "inget överordnat område"
        if fixed_parent is not None:
            parent, how = fixed_parent, f"under {fixed_parent.name} (angivet)"
        elif parent_field:
            wanted = _code(props[parent_field])
            if wanted.isdigit() and wanted.zfill(2) in by_code:
                wanted = wanted.zfill(2)
            parent = by_code.get(wanted)
            if parent is None:
                report.warnings.append(f"{label}: överordnat område '{wanted}' finns inte.")
            else:
                how = f"under {parent.name} (fältet {parent_field})"
        elif spatial is not None:
            parent, share = spatial.best(geometry)
            if parent is None:
                report.warnings.append(
                    f"{label}: inget område på nivån '{parent_level}' överlappar det."
                )
            else:
                how = f"under {parent.name} ({share:.0%} av ytan inom)"
                if share < PARENT_MIN_SHARE:
                    report.warnings.append(
                        f"{label}: bara {share:.0%} ligger inom {parent.name}; kontrollera "
                        "att filen och koordinatsystemet är rätt."
                    )
        population = None
        if population_field:
            try:
                population = int(float(props[population_field]))
            except (TypeError, ValueError):
                report.warnings.append(
                    f"{label}: folkmängden '{props[population_field]}' är inget tal."
                )
        rows[code] = {
            "name": name,
            "geometry": geometry,
            "parent": parent,
            "population": population,
            "how": how,
        }

    now = timezone.now()
    source = Path(path).name + (f" ({layer_read})" if layer_read else "")
    with transaction.atomic():
        existing = {a.code: a for a in Area.objects.filter(country=country, level=level)}
        open_borders = {
            b.area_id: b
            for b in AreaBorder.objects.filter(
                area__in=list(existing.values()), valid_to__isnull=True
            )
        }
        to_create, to_update, moved = [], [], []
        fields_updated = {"name", "geometry", "parent", "min_lon", "min_lat", "max_lon", "max_lat"}
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
            if population_field and row["population"] is not None:
                values["population"] = row["population"]
                fields_updated.add("population")
            area = existing.get(code)
            if area is None:
                to_create.append(Area(code=code, level=level, country=country, **values))
                report.areas.append(f"{code} {row['name']}: ny, {row['how']}.")
                continue
            changed = [k for k, v in values.items() if k != "parent" and getattr(area, k) != v]
            if area.parent_id != (row["parent"].pk if row["parent"] else None):
                changed.append("parent")
            if not changed:
                report.unchanged += 1
                report.areas.append(f"{code} {row['name']}: oförändrat, {row['how']}.")
                continue
            if "geometry" in changed:
                moved.append((area, area.geometry))
            for k, v in values.items():
                setattr(area, k, v)
            to_update.append(area)
            what = "ny gräns" if "geometry" in changed else "uppdaterat"
            report.areas.append(f"{code} {row['name']}: {what}, {row['how']}.")
        Area.objects.bulk_create(to_create, batch_size=100)
        if to_update:
            Area.objects.bulk_update(to_update, sorted(fields_updated), batch_size=100)
        # Border history: the border in force ends now and the new one starts; an area
        # imported before the history began gets its old border recorded first (open start).
        borders = []
        for area, old_geometry in moved:
            borders += end_border(area, old_geometry, now, open_borders.get(area.pk))
        borders += [
            AreaBorder(area=a, geometry=a.geometry, valid_from=now, source=source)
            for a in [*to_create, *(a for a, _ in moved)]
        ]
        AreaBorder.objects.bulk_create(borders, batch_size=100)
        report.created, report.updated = len(to_create), len(to_update)
        report.borders_changed = len(moved)
        if not (report.created or report.updated):
            return report
        audit.record(
            "area.import",
            actor=actor,
            details={
                "file": Path(path).name,
                "layer": layer_read,
                "crs": source_crs if len(source_crs) < 40 else "WKT",
                "level": level,
                "country": country,
                "created": report.created,
                "updated": report.updated,
                "borders_changed": report.borders_changed,
                "repaired": len(report.repaired),
            },
        )
        changed_ids = [a.pk for a in to_create] + [a.pk for a, _ in moved]
        if changed_ids:
            # Incident area links were computed against the old borders (or none).
            for _, response in area_borders_changed.send(sender=Area, area_ids=changed_ids):
                if response:
                    report.relinked.append(str(response))
    return report
