"""``samverkan near_repeat``: the Knox test of the Near Repeat Calculator on a CSV file or on
the incidents of an area in the database."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.analysis.nearrepeat import NearRepeatResult, knox_test
from samverkan.analysis.nearrepeat_cli import (
    looks_geographic,
    read_events,
    render_html,
    render_json,
    run_file,
)
from samverkan.core.models import Area
from samverkan.core.params import decimal_number, whole_number
from samverkan.incidents.models import Category
from samverkan.incidents.points import load_points


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ogiltigt datum {value!r}: ange ÅÅÅÅ-MM-DD.") from None


def _header(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), [])
    except UnicodeDecodeError:
        raise CommandError(f"{path}: filen är inte UTF-8-kodad text (CSV).") from None
    return [h.strip() for h in first]


class Command(BaseCommand):
    help = (
        "Near repeat-analys (Knox-test som Near Repeat Calculator): på en CSV-fil eller på "
        "ett områdes händelser i databasen (--area). Bara punktplacerade händelser används."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="CSV-fil med koordinater och datum (utelämnas med --area)"
        )
        parser.add_argument("--x-col", default="x", help="kolumn med x (standard x)")
        parser.add_argument("--y-col", default="y", help="kolumn med y (standard y)")
        parser.add_argument("--time-col", default="date", help="kolumn med datum (standard date)")
        parser.add_argument(
            "--crs",
            help="koordinatsystem för filens koordinater, t.ex. EPSG:4326 (lon/lat); de "
            "projiceras då till meter. Utan det ska x och y vara meter",
        )
        parser.add_argument(
            "--to-crs",
            help="projicera till detta metriska system, t.ex. EPSG:3006 (SWEREF 99 TM) eller "
            "EPSG:25833; standard: UTM-zonen kring punkternas mitt",
        )
        parser.add_argument(
            "--metres",
            action="store_true",
            help="x och y är meter även om alla ligger inom ±180 och ±90 (litet lokalt rutnät)",
        )
        parser.add_argument("--area", help="områdeskod: analysera händelserna i databasen")
        parser.add_argument("--country", default="SE", help="landskod för --area (standard SE)")
        parser.add_argument(
            "--level", choices=Area.Level.values, help="områdets nivå, om koden är tvetydig"
        )
        parser.add_argument("--category", help="kategorikod (underkategorier ingår)")
        parser.add_argument("--from", dest="start", help="från och med datum, ÅÅÅÅ-MM-DD")
        parser.add_argument("--to", dest="end", help="till (ej med) datum, ÅÅÅÅ-MM-DD")
        parser.add_argument(
            "--dist-band", type=decimal_number(1, 100_000), default=100, help="meter (standard 100)"
        )
        parser.add_argument(
            "--dist-bands", type=whole_number(1, 50), default=3, help="antal avståndsband"
        )
        parser.add_argument(
            "--time-band", type=whole_number(1, 3650), default=2, help="dagar (standard 2)"
        )
        parser.add_argument(
            "--time-bands", type=whole_number(1, 50), default=2, help="antal tidsband"
        )
        parser.add_argument(
            "--manhattan", action="store_true", help="manhattanavstånd i stället för fågelvägen"
        )
        parser.add_argument(
            "--permutations", type=whole_number(0, 99_999), default=999, help="standard 999"
        )
        parser.add_argument(
            "--seed", type=whole_number(0, 2**32 - 1), default=1, help="slumpfrö (standard 1)"
        )
        parser.add_argument("--format", choices=["json", "html"], default="json")
        parser.add_argument("-o", "--output", help="utfil (standard: standard ut)")

    def handle(self, *args, **opts):
        if opts["file"] and opts["area"]:
            raise CommandError("Ange antingen en fil eller --area, inte båda.")
        if opts["file"]:
            result = self._from_file(opts)
            data = render_json(result)
        elif opts["area"]:
            result, excluded = self._from_db(opts)
            data = render_json(result)
            data["excluded_imprecise"] = excluded
        else:
            raise CommandError("Ange en CSV-fil eller --area KOD.")

        text = (
            render_html(result)
            if opts["format"] == "html"
            else json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        )
        if opts["output"]:
            Path(opts["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(
                f"{result.n_events} händelser; resultatet skrevs till {opts['output']}."
            )
        else:
            self.stdout.write(text, ending="")

    def _bands(self, opts) -> dict:
        return {
            "dist_band": opts["dist_band"],
            "dist_bands": opts["dist_bands"],
            "time_band": opts["time_band"],
            "time_bands": opts["time_bands"],
            "manhattan": opts["manhattan"],
            "permutations": opts["permutations"],
            "seed": opts["seed"],
        }

    def _from_file(self, opts) -> NearRepeatResult:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        header = _header(path)
        for flag in ("x_col", "y_col", "time_col"):
            if opts[flag] not in header:
                found = ", ".join(header) if header else "(inga)"
                raise CommandError(
                    f"Kolumnen {opts[flag]!r} (--{flag.replace('_', '-')}) finns inte i {path}. "
                    f"Kolumner i filen: {found}."
                )
        try:
            x, y, _ = read_events(path, opts["x_col"], opts["y_col"], opts["time_col"])
        except ValueError as exc:
            raise CommandError(f"Felaktigt värde i filen: {exc}") from exc
        if len(x) < 2:
            raise CommandError(f"För få händelser i {path}: {len(x)} (minst 2 behövs).")
        if opts["to_crs"] and not opts["crs"]:
            raise CommandError(
                "--to-crs kräver --crs: ange vilket koordinatsystem filens x och y är i."
            )
        if not opts["crs"] and not opts["metres"] and looks_geographic(x, y):
            # Degrees read as metres put every pair within a few metres: the whole table
            # would be "same location" and look like a strong repeat pattern.
            raise CommandError(
                f"Koordinaterna i {path} ser ut att vara grader (longitud/latitud): alla x "
                "ligger inom ±180 och alla y inom ±90. Ange deras koordinatsystem, t.ex. "
                "--crs EPSG:4326, så projiceras de till meter (UTM-zonen kring punkternas "
                "mitt, eller --to-crs EPSG:3006 för SWEREF 99 TM). Är de verkligen meter i "
                "ett litet lokalt rutnät, ange --metres."
            )
        try:
            return run_file(
                path,
                opts["x_col"],
                opts["y_col"],
                opts["time_col"],
                crs=opts["crs"],
                to_crs=opts["to_crs"],
                metres=opts["metres"],
                **self._bands(opts),
            )
        except ValueError as exc:
            raise CommandError(f"Analysen av {path} misslyckades: {exc}") from exc

    def _from_db(self, opts) -> tuple[NearRepeatResult, int]:
        if opts["crs"] or opts["to_crs"] or opts["metres"]:
            raise CommandError(
                "--crs, --to-crs och --metres gäller bara filer: databasens koordinater är "
                "redan meter."
            )
        country = opts["country"].upper()
        areas = Area.objects.filter(code=opts["area"], country=country)
        if opts["level"]:
            areas = areas.filter(level=opts["level"])
        areas = list(areas)
        if not areas:
            raise CommandError(f"Okänt område: {opts['area']!r} (land {country}).")
        if len(areas) > 1:
            levels = ", ".join(a.level for a in areas)
            raise CommandError(
                f"Områdeskoden {opts['area']!r} finns på flera nivåer ({levels}); ange --level."
            )
        area = areas[0]
        start = _iso_date(opts["start"]) if opts["start"] else None
        end = _iso_date(opts["end"]) if opts["end"] else None
        if start and end and end <= start:
            raise CommandError("--to måste vara senare än --from.")
        try:
            points = load_points(area, opts["category"], start, end)
        except Category.DoesNotExist:
            raise CommandError(f"Okänd kategori: {opts['category']!r}.") from None
        if points.excluded_imprecise:
            self.stderr.write(
                f"{points.excluded_imprecise} händelser utan punktläge (placerade på kommun-, "
                "län- eller områdesnivå) uteslöts."
            )
        if len(points) < 2:
            raise CommandError(
                f"För få händelser med punktläge: {len(points)} (minst 2 behövs); "
                f"{points.excluded_imprecise} uteslöts för att läget var oprecist."
            )
        bands = self._bands(opts)
        result = knox_test(
            points.x,
            points.y,
            points.days,
            dist_band=bands["dist_band"],
            dist_bands=bands["dist_bands"],
            time_band=bands["time_band"],
            time_bands=bands["time_bands"],
            metric="manhattan" if bands["manhattan"] else "euclidean",
            permutations=bands["permutations"],
            seed=bands["seed"],
        )
        result.parameters.update(
            area=f"{area.name} ({area.level} {area.code}, {area.country})",
            category=opts["category"] or "alla",
            start=start.isoformat() if start else None,
            end=end.isoformat() if end else None,
            excluded_imprecise=points.excluded_imprecise,
        )
        return result, points.excluded_imprecise
