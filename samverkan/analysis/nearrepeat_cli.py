"""File front end of the near repeat test: read a CSV, run it, render JSON or HTML.

Kept apart from :mod:`samverkan.analysis.nearrepeat` so the statistics stay free of file
formats and of pyproj; the Django management command calls these functions.
"""

from __future__ import annotations

import csv
import html
import re
from datetime import date
from pathlib import Path

import numpy as np

from samverkan.analysis.nearrepeat import SIGNIFICANCE, NearRepeatResult, knox_test
from samverkan.analysis.result import plain

_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value: str) -> date:
    """Parse an ISO date (time part ignored) or a DD/MM/YYYY date, the NRC's format."""
    match = _DMY.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(value.strip()[:10])


def read_events(
    path: str | Path, x_col: str, y_col: str, time_col: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read coordinates and dates from a CSV file; blank lines are skipped.

    Raises
    ------
    ValueError
        Naming the line, the column and the reason, for a missing column or a bad value.
    """
    xs: list[float] = []
    ys: list[float] = []
    ts: list[date] = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        for col in (x_col, y_col, time_col):
            if col not in header:
                raise ValueError(f"{path}: column {col!r} not found (columns: {header})")
        for line, row in enumerate(reader, start=2):
            if not any((v or "").strip() for v in row.values()):
                continue
            for col, parse, out in (
                (x_col, float, xs),
                (y_col, float, ys),
                (time_col, parse_date, ts),
            ):
                raw = (row.get(col) or "").strip()
                try:
                    out.append(parse(raw))
                except ValueError as exc:
                    raise ValueError(
                        f"{path}, line {line}, column {col!r}: {raw!r}: {exc}"
                    ) from None
    return np.array(xs), np.array(ys), np.array(ts, dtype="datetime64[D]")


class GeographicCoordinatesError(ValueError):
    """Coordinates look like degrees but no coordinate system was named."""


def looks_geographic(x: np.ndarray, y: np.ndarray) -> bool:
    """True when every point could be longitude/latitude in degrees.

    Projected data fit in |x| <= 180, |y| <= 90 only if every event lies within a few
    hundred metres of the projection's origin, which no real layout does (SWEREF 99 TM
    northings are millions of metres); a small synthetic grid must then say it is metres.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return False
    return bool((np.abs(x[finite]) <= 180).all() and (np.abs(y[finite]) <= 90).all())


def project(
    x: np.ndarray, y: np.ndarray, crs: str, to_crs: str | None = None
) -> tuple[np.ndarray, np.ndarray, str]:
    """Project coordinates given in ``crs`` to metres.

    The target is ``to_crs`` (a projected system in metres, e.g. ``"EPSG:3006"``, SWEREF 99
    TM) or, without it, the WGS 84 UTM zone that holds the points' centre. Returns the
    projected coordinates and the target's name.

    Raises
    ------
    ValueError
        For an unknown system, a target that is not in metres, or geographic input whose
        values are not degrees.
    """
    from pyproj import CRS, Transformer
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
        target = CRS.from_user_input(to_crs) if to_crs else None
    except CRSError as exc:
        raise ValueError(f"unknown coordinate system: {exc}") from None
    if source.is_geographic and not looks_geographic(x, y):
        raise ValueError(f"{crs} is geographic but the coordinates are not degrees")
    if target is not None:
        units = {axis.unit_name for axis in target.axis_info}
        if not target.is_projected or units - {"metre"}:
            raise ValueError(f"{to_crs} is not a projected coordinate system in metres")
    to_geo = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    glon, glat = to_geo.transform(x, y)
    if target is None:
        aoi = AreaOfInterest(
            float(np.min(glon)), float(np.min(glat)), float(np.max(glon)), float(np.max(glat))
        )
        info = query_utm_crs_info(datum_name="WGS 84", area_of_interest=aoi)
        target = CRS.from_epsg(int(info[0].code))
    to_metres = Transformer.from_crs("EPSG:4326", target, always_xy=True)
    px, py = to_metres.transform(glon, glat)
    px, py = np.asarray(px, dtype=float), np.asarray(py, dtype=float)
    if not (np.isfinite(px).all() and np.isfinite(py).all()):
        raise ValueError(f"some points lie outside the area where {target.name} is defined")
    return px, py, f"EPSG:{target.to_epsg()}" if target.to_epsg() else target.name


def run_file(
    path: str | Path,
    x_col: str,
    y_col: str,
    time_col: str,
    crs: str | None = None,
    dist_band: float = 100,
    dist_bands: int = 3,
    time_band: int = 2,
    time_bands: int = 2,
    manhattan: bool = False,
    permutations: int = 999,
    seed: int = 1,
    to_crs: str | None = None,
    metres: bool = False,
) -> NearRepeatResult:
    """Run the Near Repeat Calculator-style Knox test on a CSV file.

    ``crs`` names the coordinate system of the input (e.g. ``"EPSG:4326"`` for lon/lat);
    the points are then projected to metres, to ``to_crs`` or the UTM zone of their
    centre. Without it, x and y must already be metres: coordinates that all look like
    degrees raise :class:`GeographicCoordinatesError` unless ``metres`` says they are
    metres, because treating lon/lat as metres puts every pair at "same location".
    """
    x, y, t = read_events(path, x_col, y_col, time_col)
    target = None
    if crs:
        x, y, target = project(x, y, crs, to_crs)
    elif to_crs:
        raise ValueError("to_crs needs crs, the system the coordinates are given in")
    elif not metres and looks_geographic(x, y):
        raise GeographicCoordinatesError(
            f"{path}: every x is within +-180 and every y within +-90, so the coordinates "
            "look like longitude/latitude; name their system (crs='EPSG:4326') or pass "
            "metres=True if they are metres"
        )
    result = knox_test(
        x,
        y,
        t,
        dist_band=dist_band,
        dist_bands=dist_bands,
        time_band=time_band,
        time_bands=time_bands,
        metric="manhattan" if manhattan else "euclidean",
        permutations=permutations,
        seed=seed,
    )
    result.parameters.update(source=str(path), crs=crs, projected_to=target)
    return result


def render_json(result: NearRepeatResult) -> dict:
    """The result as a plain dict (rows: distance bands from same location; columns: time)."""
    return {
        "observed": plain(np.asarray(result.observed)),
        "expected": plain(np.asarray(result.expected, dtype=float)),
        "ratio": plain(np.asarray(result.ratio, dtype=float)),
        "p": plain(np.asarray(result.p, dtype=float)),
        "distance_bands": list(result.distance_bands),
        "time_bands": list(result.time_bands),
        "n_events": int(result.n_events),
        "permutations": int(result.permutations),
        "summary": result.summary,
    }


def _table(title: str, values: np.ndarray, result: NearRepeatResult, fmt: str) -> str:
    ratio = np.asarray(result.ratio, dtype=float)
    p = np.asarray(result.p, dtype=float)
    head = "".join(f"<th scope='col'>{html.escape(t)}</th>" for t in result.time_bands)
    rows = []
    for r, label in enumerate(result.distance_bands):
        cells = []
        for c in range(values.shape[1]):
            v = values[r, c]
            text = "–" if v is None or (isinstance(v, float) and np.isnan(v)) else format(v, fmt)
            hot = p[r, c] <= SIGNIFICANCE and ratio[r, c] > 1
            cells.append(f"<td class='sig'>{text}</td>" if hot else f"<td>{text}</td>")
        rows.append(f"<tr><th scope='row'>{html.escape(label)}</th>{''.join(cells)}</tr>")
    return (
        f"<h2>{html.escape(title)}</h2><table><thead><tr><th></th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render_html(result: NearRepeatResult) -> str:
    """A self-contained HTML page with the NRC's tables; significant excess is highlighted."""
    params = "".join(
        f"<li>{html.escape(str(k))}: {html.escape(str(v))}</li>"
        for k, v in result.parameters.items()
    )
    tables = "".join(
        [
            _table("Observed over mean expected frequencies", result.ratio, result, ".2f"),
            _table("Statistical significance (p)", np.asarray(result.p, float), result, ".3f"),
            _table("Observed frequencies", np.asarray(result.observed), result, "d"),
            _table("Mean expected frequencies", np.asarray(result.expected, float), result, ".2f"),
        ]
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Near repeat analysis</title>
<style>
body {{ font-family: Verdana, Arial, sans-serif; font-size: 10pt; margin: 2em; }}
h1 {{ font-size: 16pt; }} h2 {{ font-size: 12pt; color: #fff; background: #006699;
padding: 0.2em 0.5em; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
th, td {{ border: 1px solid #999; padding: 0.2em 0.6em; text-align: right; }}
td.sig {{ color: #c00; font-weight: bold; background: #fde8e8; }}
</style></head><body>
<h1>Near repeat analysis (Knox test)</h1>
<p>{html.escape(result.summary)}</p>
<p lang="sv">{html.escape(result.summary_sv)}</p>
<p>Highlighted cells: p &le; {SIGNIFICANCE} and more pairs than expected.
Events: {result.n_events}; permutations: {result.permutations}.</p>
{tables}
<h2>Parameters</h2><ul>{params}</ul>
<p>Band intervals as computed (Near Repeat Calculator conventions): distance
{html.escape("; ".join(result.distance_intervals))}; time
{html.escape("; ".join(result.time_intervals))}.</p>
<p>{html.escape(result.method)}</p>
</body></html>
"""


__all__ = [
    "GeographicCoordinatesError",
    "looks_geographic",
    "parse_date",
    "project",
    "read_events",
    "render_html",
    "render_json",
    "run_file",
]
