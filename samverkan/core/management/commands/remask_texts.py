"""``samverkan remask_texts``: mask the stored free texts again with the current masker."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samverkan.core import masked_text
from samverkan.core.params import whole_number


class Command(BaseCommand):
    help = (
        "Maskerar sparad fritext (händelsebeskrivningar och platser, återkoppling, "
        "invånarnas observationer, lägesbildens bedömningar) på nytt med den nuvarande maskeringen, efter en uppgradering som "
        "förbättrat den. Bara texter som ändras skrivs; en ny körning ändrar inget."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Räkna bara vad som skulle ändras; skriv inget.",
        )
        parser.add_argument(
            "--batch",
            type=whole_number(1, 100_000),
            default=1000,
            help="Rader per transaktion (standard 1000).",
        )

    def handle(self, *args, dry_run, batch, **options):
        def progress(label, read):
            self.stderr.write(f"\r{label}: {read} rader lästa", ending="")

        results = masked_text.remask(batch=batch, dry_run=dry_run, progress=progress)
        self.stderr.write("")
        verb = "skulle ändras" if dry_run else "ändrade"
        for r in results:
            self.stdout.write(f"{r.model}.{r.field}: {r.read} texter lästa, {r.changed} {verb}")
        if not dry_run:
            total = sum(r.changed for r in results)
            self.stdout.write(f"Klart: {total} texter maskerade på nytt.")
