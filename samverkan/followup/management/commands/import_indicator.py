"""``samverkan import_indicator``: import an external indicator series from a CSV file.

Exit codes: 0 when values were stored or were already there; an error (CommandError, code
1) when the file cannot be read or nothing in it concerns the partnership. Nothing is
written when any row is bad.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from samverkan.core.models import Partnership
from samverkan.core.params import whole_number
from samverkan.followup import importers, services
from samverkan.followup.models import Indicator


class Command(BaseCommand):
    help = (
        "Importera en extern indikatorserie: Brå:s anmälda brott per kommun (bra), SSB:s "
        "anmeldte lovbrudd per kommune (ssb) eller en trygghetsmätning (survey). En ny körning "
        "av samma fil lägger inte till något."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=importers.FORMATS, required=True)
        parser.add_argument("--partnership", required=True, help="samverkans id eller namn")
        parser.add_argument(
            "--series",
            action="append",
            help="Brott_ID (bra), kolumn (ssb) eller fråga (survey); kan upprepas",
        )
        parser.add_argument(
            "--area", action="append", help="kommunkod; standard: samverkans egna områden"
        )
        parser.add_argument(
            "--indicator", type=whole_number(1), help="lägg värdena i denna indikator"
        )
        parser.add_argument("--country", default="SE", help="land för survey-områden (SE/NO)")

    def handle(self, *args, **opts):
        ref = opts["partnership"]
        partnership = (
            Partnership.objects.filter(pk=int(ref))
            if ref.isdigit()
            else Partnership.objects.filter(name=ref)
        ).first()
        if partnership is None:
            raise CommandError(f"Samverkan '{ref}' finns inte.")
        indicator = None
        if opts["indicator"]:
            indicator = Indicator.objects.filter(
                pk=opts["indicator"], partnership=partnership
            ).first()
            if indicator is None:
                raise CommandError(f"Indikator {opts['indicator']} finns inte i {partnership}.")
        kwargs = {"country": opts["country"]} if opts["format"] == "survey" else {}
        try:
            parsed = importers.parse(opts["format"], importers.read_file(opts["file"]), **kwargs)
            report = services.import_series(
                parsed,
                partnership,
                opts["format"],
                series=opts["series"],
                area_codes=opts["area"],
                indicator=indicator,
                file_name=str(opts["file"]),
            )
        except importers.ImportFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{report.values_created} nya värden, {report.values_updated} ändrade, "
            f"{report.unchanged} oförändrade i {len(report.indicator_ids)} indikatorer "
            f"({report.indicators_created} nya): {report.indicator_ids}"
        )
        if report.suppressed:
            self.stdout.write(f"{report.suppressed} värden saknades i filen (NA/prickade).")
        if report.skipped_areas:
            self.stderr.write(
                f"{len(report.skipped_areas)} områden i filen finns inte i databasen, t.ex. "
                + ", ".join(report.skipped_areas[:5])
            )
