"""``samverkan tertial_report``: generate a partnership's tertial report, or one of its
areas' (``--area``), as PDF, DOCX or JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.core.models import Partnership
from samverkan.core.periods import PeriodError
from samverkan.followup import pdf, services


class Command(BaseCommand):
    help = (
        "Ta fram tertialrapporten (T1 jan–apr, T2 maj–aug, T3 sep–dec) för en samverkan: "
        "effektmål med status, åtgärdernas status, indikatorer och gruppens analys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", required=True, help="samverkans id eller namn")
        parser.add_argument("--tertial", required=True, help="t.ex. 2025-T2")
        parser.add_argument(
            "--area",
            help="ett områdes (en stadsdels) egen rapport: områdets id eller kod "
            "(standard: hela samverkan)",
        )
        parser.add_argument("--format", choices=("pdf", "docx", "json"), default="json")
        parser.add_argument("-o", "--output", help="fil (standard: standard ut för JSON)")

    def handle(self, *args, **opts):
        ref = opts["partnership"]
        qs = (
            Partnership.objects.filter(pk=int(ref))
            if ref.isdigit()
            else Partnership.objects.filter(name=ref)
        )
        partnership = qs.first()
        if partnership is None:
            raise CommandError(f"Samverkan '{ref}' finns inte.")
        area = self._area(partnership, opts["area"]) if opts["area"] else None
        try:
            report = services.generate_tertial_report(partnership, opts["tertial"], area=area)
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        if opts["format"] == "pdf":
            if not opts["output"]:
                raise CommandError("Ange -o FIL för PDF.")
            Path(opts["output"]).write_bytes(pdf.tertial_pdf(report))
        elif opts["format"] == "docx":
            if not opts["output"]:
                raise CommandError("Ange -o FIL för DOCX.")
            from samverkan.followup.docx import render

            Path(opts["output"]).write_bytes(render(report))
        else:
            text = json.dumps(
                {**report.snapshot, "analysis": report.analysis}, ensure_ascii=False, indent=2
            )
            if opts["output"]:
                Path(opts["output"]).write_text(text + "\n", encoding="utf-8")
            else:
                sys.stdout.write(text + "\n")
        if opts["output"]:
            goals = report.snapshot.get("goals", [])
            self.stderr.write(
                f"Tertialrapport {report.tertial} för {report.subject}: {len(goals)} effektmål, "
                f"{len(report.snapshot.get('indicators', []))} indikatorer -> {opts['output']}"
            )

    def _area(self, partnership, ref: str):
        """One of the partnership's areas (of any level, its own drawn areas included)."""
        from samverkan.core.models import Area
        from samverkan.core.permissions import partnership_area_ids

        areas = Area.objects.filter(pk__in=partnership_area_ids([partnership.pk]))
        found = list(areas.filter(pk=int(ref))) if ref.isdigit() else []
        found = found or list(areas.filter(code=ref)[:2])
        if len(found) != 1:
            raise CommandError(f"Området '{ref}' finns inte i samverkan {partnership.name}.")
        return found[0]
