"""Build the small demo dataset bundled in ``samverkan/demo_data/``.

The application must run ``make demo`` from a fresh clone, without the large ``../shared/data``
folder, so this script distils that folder into a few MB that are committed to git::

    .venv/bin/python tools/build_demo_data.py [--shared ../shared/data]

It writes (all GeoJSON in WGS84, gzipped without a timestamp so a re-run gives identical bytes):

``se-municipalities.geojson.gz``
    The 290 Swedish kommuner, properties ``code`` (4-digit kommun code, zero-padded string),
    ``name`` and ``county_code`` (2-digit län code).
``se-counties.geojson.gz``
    The 21 län, properties ``code`` (official 2-digit län code) and ``name`` ("Stockholms län",
    the form the police events use). The geometry is the union of the county's municipalities,
    not the outline in ``se-counties.geojson``: that outline is far coarser and leaves out most
    of the archipelagos (only 2 % of Lidingö lies inside it), so municipality-in-county lookups
    would fail. The source file is still read to check that the official code, which is joined
    BY NAME through ``se-admin-areas.csv`` ("Västra Götaland" -> "Västra Götalands län" -> 14;
    the source's ``l_id`` is not the official code), names the county that covers the union.
``no-municipalities.geojson.gz``, ``no-counties.geojson.gz``
    Norway's 357 kommuner (``code`` = kommunenummer, ``name`` = kommunenavn, ``county_code`` =
    fylkesnummer) and 15 fylker (``code``, ``name``); fylker are again the union of their
    kommuner, for the same consistency.
``se-population.csv``
    ``code,name,population`` per kommun, from ``se-municipality-population.csv``.
``se-police-events.jsonl.gz``
    The police events published in the last 24 calendar months of the archive (by the month of
    ``datetime`` as written, i.e. local time: 2024-09 .. 2026-08 for the current archive), for
    all of Sweden, one compact JSON object a line with the original fields unchanged. Should that
    exceed ``EVENTS_BUDGET`` bytes gzipped, the window shrinks to 18 and then 12 months.

Geometries are made valid, simplified with shapely's coverage simplification (shared borders
stay shared, so neighbouring kommuner neither overlap nor gap more than in the source), snapped
to a 1e-5 degree grid (about 1 m) and checked to be valid and non-empty.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "samverkan" / "demo_data"
DEFAULT_SHARED = ROOT.parent / "shared" / "data"

# Degrees; about 200-300 m in Sweden, invisible at the zoom levels a lägesbild map uses.
TOLERANCE = {"se": 0.002, "no": 0.003}
GRID = 1e-5
DECIMALS = 5
# Slivers left between imperfectly matching source polygons show up as tiny holes in a union.
SLIVER_HOLE_AREA = 1e-4
EVENTS_BUDGET = 2_600_000
EVENT_WINDOWS = (24, 18, 12)


def _write_gz(path: Path, text: str) -> None:
    buf = io.BytesIO()
    # mtime=0 and no file name: identical input gives identical bytes, so git sees no churn.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def _polygonal(geom):
    """Return the polygonal part of ``geom`` made valid, as (Multi)Polygon."""
    geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts)
    return geom


def _fill_slivers(geom):
    """Drop interior holes smaller than ``SLIVER_HOLE_AREA`` square degrees."""
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    kept = [
        shapely.Polygon(
            p.exterior, [r for r in p.interiors if shapely.Polygon(r).area >= SLIVER_HOLE_AREA]
        )
        for p in polys
    ]
    return shapely.union_all(kept) if len(kept) > 1 else kept[0]


def _finish(geom):
    """Snap to the output grid and check the geometry is fit to ship."""
    geom = shapely.set_precision(geom, GRID)
    geom = _polygonal(geom)
    if geom.is_empty or not geom.is_valid:
        raise ValueError("geometry became empty or invalid after simplification")
    return geom


def simplify_coverage(geoms: list, tolerance: float) -> list:
    """Simplify polygons that tile an area, keeping shared borders shared where possible.

    ``coverage_simplify`` assumes a clean coverage; the sources have small overlaps, so any
    result that comes out invalid or empty falls back to a per-polygon topology-preserving
    simplification.
    """
    geoms = [_polygonal(g) for g in geoms]
    simplified = shapely.coverage_simplify(np.array(geoms, dtype=object), tolerance)
    out = []
    for original, simple in zip(geoms, simplified, strict=True):
        try:
            out.append(_finish(simple))
        except ValueError:
            out.append(_finish(original.simplify(tolerance, preserve_topology=True)))
    return out


def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], float):
        return [round(c, DECIMALS) for c in coords]
    return [_round(c) for c in coords]


def _feature_collection(rows: list[tuple[dict, object]]) -> str:
    features = []
    for props, geom in rows:
        geometry = mapping(geom)
        geometry = {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}
        features.append(
            {"type": "Feature", "id": props["code"], "properties": props, "geometry": geometry}
        )
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _union_by(codes: list[str], geoms: list) -> dict[str, object]:
    groups: dict[str, list] = defaultdict(list)
    for code, geom in zip(codes, geoms, strict=True):
        groups[code].append(geom)
    return {code: _finish(_fill_slivers(shapely.union_all(g))) for code, g in groups.items()}


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def county_code_by_source_name(source_name: str, official: dict[str, str]) -> str:
    """Map a county name from ``se-counties.geojson`` ("Västra Götaland") to its län code.

    The official names add " län" directly ("Kalmar län") or after a genitive s
    ("Västra Götalands län"); exactly one of the two must exist.
    """
    hits = [official[n] for n in (f"{source_name} län", f"{source_name}s län") if n in official]
    if len(hits) != 1:
        raise ValueError(f"county {source_name!r} matches {len(hits)} official names")
    return hits[0]


def build_sweden(shared: Path) -> None:
    with (shared / "se-admin-areas.csv").open(encoding="utf-8") as fh:
        admin = {r["municipality_code"].zfill(4): r for r in csv.DictReader(fh)}
    county_names = {r["county_code"].zfill(2): r["county_name"] for r in admin.values()}

    features = sorted(
        _load(shared / "se-municipalities.geojson"), key=lambda f: f["properties"]["id"].zfill(4)
    )
    codes = [f["properties"]["id"].zfill(4) for f in features]
    for f, code in zip(features, codes, strict=True):
        row = admin[code]
        if row["county_code"].zfill(2) != f["properties"]["lan_code"].zfill(2):
            raise ValueError(f"kommun {code}: county differs between CSV and GeoJSON")
    geoms = simplify_coverage([shape(f["geometry"]) for f in features], TOLERANCE["se"])
    county_codes = [admin[c]["county_code"].zfill(2) for c in codes]
    municipalities = [
        ({"code": c, "name": admin[c]["municipality_name"], "county_code": cc}, g)
        for c, cc, g in zip(codes, county_codes, geoms, strict=True)
    ]
    counties = _union_by(county_codes, geoms)

    # Check the by-name join against the source outlines: each official county must be the one
    # whose source outline covers most of the union built here.
    official = {name: code for code, name in county_names.items()}
    for f in _load(shared / "se-counties.geojson"):
        code = county_code_by_source_name(f["properties"]["name"], official)
        outline = _polygonal(shape(f["geometry"]))
        best = max(counties, key=lambda c: counties[c].intersection(outline).area)
        if best != code:
            raise ValueError(f"county {f['properties']['name']!r}: name says {code}, shape {best}")

    _write_gz(OUT / "se-municipalities.geojson.gz", _feature_collection(municipalities))
    _write_gz(
        OUT / "se-counties.geojson.gz",
        _feature_collection(
            [({"code": c, "name": county_names[c]}, counties[c]) for c in sorted(counties)]
        ),
    )

    with (shared / "se-municipality-population.csv").open(encoding="utf-8") as fh:
        population = sorted(
            (r["kommun_kod"].zfill(4), r["kommun_namn"].strip(), int(r["population"]))
            for r in csv.DictReader(fh)
        )
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "population"])
    writer.writerows(population)
    (OUT / "se-population.csv").write_text(out.getvalue(), encoding="utf-8")


def build_norway(shared: Path) -> None:
    features = sorted(
        _load(shared / "no-municipalities.geojson"), key=lambda f: f["properties"]["kommunenummer"]
    )
    geoms = simplify_coverage([shape(f["geometry"]) for f in features], TOLERANCE["no"])
    props = [
        {
            "code": f["properties"]["kommunenummer"].zfill(4),
            "name": f["properties"]["kommunenavn"],
            "county_code": f["properties"].get("fylkesnummer")
            or f["properties"]["kommunenummer"].zfill(4)[:2],
        }
        for f in features
    ]
    county_names = {
        f["properties"]["fylkesnummer"].zfill(2): f["properties"]["fylkesnavn"]
        for f in _load(shared / "no-counties.geojson")
    }
    counties = _union_by([p["county_code"] for p in props], geoms)
    if set(counties) != set(county_names):
        raise ValueError("fylker in no-counties.geojson and no-municipalities.geojson differ")
    _write_gz(OUT / "no-municipalities.geojson.gz", _feature_collection(list(zip(props, geoms))))
    _write_gz(
        OUT / "no-counties.geojson.gz",
        _feature_collection(
            [({"code": c, "name": county_names[c]}, counties[c]) for c in sorted(counties)]
        ),
    )


def build_police_events(shared: Path) -> int:
    """Write the newest months of police events that fit the budget; return the months kept."""
    with gzip.open(shared / "se-police-events.jsonl.gz", "rt", encoding="utf-8") as fh:
        events = [json.loads(line) for line in fh if line.strip()]
    last = max(e["datetime"][:7] for e in events)
    year, month = map(int, last.split("-"))
    for months in EVENT_WINDOWS:
        index = year * 12 + month - 1 - (months - 1)
        first = f"{index // 12:04d}-{index % 12 + 1:02d}"
        text = "".join(
            json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n"
            for e in events
            if e["datetime"][:7] >= first
        )
        _write_gz(OUT / "se-police-events.jsonl.gz", text)
        if (OUT / "se-police-events.jsonl.gz").stat().st_size <= EVENTS_BUDGET:
            print(f"police events: {first} .. {last} ({months} months, {text.count(chr(10))})")
            return months
    return EVENT_WINDOWS[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="../shared/data")
    args = parser.parse_args(argv)
    if not (args.shared / "se-admin-areas.csv").exists():
        parser.error(f"{args.shared} does not hold the shared data")
    OUT.mkdir(parents=True, exist_ok=True)
    build_sweden(args.shared)
    build_norway(args.shared)
    build_police_events(args.shared)
    total = 0
    for path in sorted(OUT.iterdir()):
        if path.is_file() and path.name != "__init__.py":
            size = path.stat().st_size
            total += size
            print(f"{size:>10,d}  {path.relative_to(ROOT)}")
    print(f"{total:>10,d}  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
