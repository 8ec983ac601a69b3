"""``samverkan lagesbild``: build a situation picture and write it as JSON, HTML, PDF, XLSX
or GeoJSON.

Example::

    samverkan lagesbild --area 0180 --period 2025-03 --format pdf -o stockholm-2025-03.pdf
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.core import audit, periods
from samverkan.core.models import Area, Partnership
from samverkan.situation.build import AUDIENCES, build_for_period
from samverkan.situation.exports import FORMATS, export


def find_area(code: str, country: str, level: str | None = None) -> Area:
    qs = Area.objects.filter(country=country, code=code)
    if level:
        qs = qs.filter(level=level)
    found = list(qs)
    if not found:
        raise CommandError(
            f"Området med kod '{code}' finns inte (land {country}"
            + (f", nivå {level}" if level else "")
            + "). Importera områdena först (samverkan import_areas)."
        )
    if len(found) > 1:
        levels = ", ".join(sorted(a.level for a in found))
        raise CommandError(f"Koden '{code}' finns på flera nivåer ({levels}): ange --level.")
    return found[0]


def find_partnership(value: str) -> Partnership:
    qs = Partnership.objects.all()
    match = qs.filter(pk=int(value)).first() if value.isdigit() else None
    match = match or qs.filter(name=value).first() or qs.filter(name__iexact=value).first()
    if match is None:
        names = ", ".join(qs.values_list("name", flat=True)[:10]) or "inga finns"
        raise CommandError(f"Samverkansgruppen '{value}' finns inte (finns: {names}).")
    return match


class Command(BaseCommand):
    help = "Ta fram en lägesbild för ett område och en period och skriv den till en fil."

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="Områdets kod, t.ex. 0180.")
        parser.add_argument("--country", default="SE", help="Land (SE eller NO).")
        parser.add_argument("--level", help="Nivå om koden finns på flera, t.ex. county.")
        parser.add_argument(
            "--period",
            required=True,
            help="2025-03 (månad), 2025-W10 (vecka), 2025-T2 (tertial), 2025 (år) "
            "eller 2025-03-01..2025-03-15.",
        )
        parser.add_argument(
            "--period-type",
            choices=periods.PERIOD_TYPES,
            help="Periodtyp; härleds annars ur --period.",
        )
        parser.add_argument("--partnership", help="Samverkansgruppens namn eller id.")
        parser.add_argument("--audience", choices=AUDIENCES, default="internal")
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--language", choices=("sv", "nb", "en"), default="sv")
        parser.add_argument("-o", "--output", required=True, help="Fil att skriva.")

    def handle(self, *args, **opts):
        try:
            period = periods.parse(opts["period"], opts["period_type"])
        except periods.PeriodError as exc:
            raise CommandError(str(exc)) from None
        area = find_area(opts["area"], opts["country"].upper(), opts["level"])
        partnership = find_partnership(opts["partnership"]) if opts["partnership"] else None
        output = Path(opts["output"])
        if not output.parent.exists():
            raise CommandError(f"Mappen {output.parent} finns inte.")
        figures = build_for_period(
            area,
            period,
            partnership=partnership,
            audience=opts["audience"],
            language=opts["language"],
        )
        data = export(figures, opts["format"], language=opts["language"])
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Kan inte skriva {output}: {exc}") from None
        audit.record(
            "situation.export",
            details={
                "area": area.code,
                "period": period.label,
                "audience": opts["audience"],
                "format": opts["format"],
                "partnership": partnership.name if partnership else None,
                "via": "cli",
            },
        )
        self.stdout.write(
            f"Lägesbild {area.name} {period.human(opts['language'])}: "
            f"{figures['totals']['count']} händelser, skriven till {output} "
            f"({len(data)} byte)."
        )
