"""The small demo dataset bundled with the package, and plain readers for it.

The files are built from ``../shared/data`` by ``tools/build_demo_data.py`` (its docstring says
what each file holds and how the police-event subset is chosen) and committed, so ``make demo``
runs from a fresh clone without the shared folder and without network access.

This module is pure Python (no Django), so importers, tests and notebooks can use it alike.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

DATA_DIR = Path(__file__).resolve().parent

SE_MUNICIPALITIES = "se-municipalities.geojson.gz"
SE_COUNTIES = "se-counties.geojson.gz"
NO_MUNICIPALITIES = "no-municipalities.geojson.gz"
NO_COUNTIES = "no-counties.geojson.gz"
SE_POPULATION = "se-population.csv"
SE_POLICE_EVENTS = "se-police-events.jsonl.gz"

_GZIP_MAGIC = b"\x1f\x8b"

__all__ = [
    "DATA_DIR",
    "NO_COUNTIES",
    "NO_MUNICIPALITIES",
    "SE_COUNTIES",
    "SE_MUNICIPALITIES",
    "SE_POLICE_EVENTS",
    "SE_POPULATION",
    "iter_police_events",
    "path",
    "read_geojson",
    "read_population",
]


def path(name: str) -> Path:
    """Return the path of a bundled file.

    Parameters
    ----------
    name : str
        A file name in the bundle ("se-counties.geojson.gz"); the ``.gz`` or ``.geojson.gz``
        ending may be left out ("se-counties").

    Raises
    ------
    FileNotFoundError
        If no bundled file has that name; the message lists the ones that exist.
    """
    if "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(f"{name!r} is not a bundled file name")
    for candidate in (name, f"{name}.gz", f"{name}.geojson.gz"):
        p = DATA_DIR / candidate
        if p.is_file():
            return p
    available = sorted(p.name for p in DATA_DIR.iterdir() if p.is_file() and p.suffix != ".py")
    raise FileNotFoundError(f"no bundled file {name!r}; available: {', '.join(available)}")


def _open_text(p: Path) -> IO[str]:
    # Sniff the magic bytes rather than trust the suffix: a user may hand over either form.
    with p.open("rb") as fh:
        gzipped = fh.read(2) == _GZIP_MAGIC
    if gzipped:
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8")
    return p.open(encoding="utf-8")


def _resolve(name_or_path: str | Path) -> Path:
    if isinstance(name_or_path, Path):
        return name_or_path
    return path(name_or_path)


def read_geojson(name: str | Path) -> dict[str, Any]:
    """Read a GeoJSON document, gunzipping it if needed.

    Parameters
    ----------
    name : str or Path
        A bundled file name (see :func:`path`) or a path to any (gzipped) GeoJSON file.

    Returns
    -------
    dict
        The parsed document, e.g. a FeatureCollection whose features carry ``code``, ``name``
        and, for municipalities, ``county_code``.
    """
    with _open_text(_resolve(name)) as fh:
        return json.load(fh)


def iter_police_events(path: str | Path | None = None) -> Iterator[dict[str, Any]]:
    """Yield police events as the polisen.se events feed publishes them.

    Parameters
    ----------
    path : str or Path, optional
        A ``.jsonl`` file (one object a line) or a JSON array file, either one optionally
        gzipped. Defaults to the bundled subset.

    Yields
    ------
    dict
        One raw event: ``id, datetime, name, summary, url, type, location{name, gps}``; parse it
        with :func:`samverkan.incidents.polisen.parse_event`.
    """
    p = Path(path) if path is not None else _resolve(SE_POLICE_EVENTS)
    with _open_text(p) as fh:
        first = ""
        while not first:
            char = fh.read(1)
            if not char:
                return
            first = char.strip()
        if first == "[":
            # The feed itself answers with one JSON array; it is small enough to load whole.
            yield from json.loads(first + fh.read())
            return
        # Whatever preceded the first line's first non-blank character was whitespace.
        yield json.loads(first + fh.readline())
        for number, line in enumerate(fh, start=2):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{p}: line {number}: not JSON ({exc.msg})") from exc


def read_population() -> list[dict[str, Any]]:
    """Return the population of each Swedish kommun.

    Returns
    -------
    list of dict
        ``{"code": "0114", "name": "Upplands Väsby", "population": 50295}`` per kommun, ordered
        by code.
    """
    with _open_text(path(SE_POPULATION)) as fh:
        return [
            {"code": row["code"], "name": row["name"], "population": int(row["population"])}
            for row in csv.DictReader(fh)
        ]
