"""``samverkan send_reminders``: e-mail coordinators before agreement follow-up dates."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samverkan.core.params import whole_number
from samverkan.plans.reminders import days_before, send_due_reminders, send_reminders_task


class Command(BaseCommand):
    help = (
        "Skickar påminnelser till samordnarna om uppföljningsdatum i "
        "samverkansöverenskommelser som infaller inom de närmaste dagarna."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=whole_number(0, 1_000_000),
            default=None,
            help="Antal dagar före uppföljningsdatumet (standard: REMINDER_DAYS_BEFORE).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Lägg jobbet i bakgrundskön (samverkan db_worker) i stället för att köra nu.",
        )

    def handle(self, *args, days=None, enqueue=False, **options):
        if enqueue:
            result = send_reminders_task.enqueue(days=days)
            self.stdout.write(f"Påminnelsejobbet ligger i kön (id {result.id}).")
            return
        n = send_due_reminders(days=days)
        window = days_before() if days is None else days
        self.stdout.write(f"{n} påminnelser skickade (uppföljningar inom {window} dagar).")
