"""Anonymise preventive cases whose retention period has ended (run daily from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samverkan.cases.tasks import anonymise_closed_cases


class Command(BaseCommand):
    help = "Avidentifierar avslutade förebyggande ärenden efter CASES_RETENTION_MONTHS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Lägg uppgiften i kön för db_worker i stället för att köra den direkt.",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = anonymise_closed_cases.enqueue()
            self.stdout.write(f"Uppgiften ligger i kön ({result.id}).")
            return
        ids = anonymise_closed_cases.call()
        self.stdout.write(f"{len(ids)} ärenden avidentifierades.")
