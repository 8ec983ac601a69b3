"""``samverkan schedule_reports``: enqueue the scheduled lägesbild drafts that are due.

Run it from cron, e.g. every hour; ``samverkan db_worker`` builds the drafts and e-mails
the coordinators. ``--now`` builds them at once instead of queueing them.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samverkan.situation.scheduling import due, enqueue_due, period_to_build, run_schedule


class Command(BaseCommand):
    help = (
        "Lägg de schemalagda lägesbilder som är på tur i kön (körs från cron, t.ex. varje timme)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Ta fram utkasten direkt i stället för att lägga dem i kön.",
        )

    def handle(self, *args, **opts):
        if opts["now"]:
            built = 0
            for schedule in due():
                period = period_to_build(schedule.period_type)
                if run_schedule(schedule.pk, period.label) is not None:
                    built += 1
            self.stdout.write(f"{built} utkast till lägesbild framtagna.")
            return
        ids = enqueue_due()
        self.stdout.write(f"{len(ids)} schemalagda lägesbilder lagda i kön.")
