"""``samverkan reprotect_pictures``: audit shared pictures protected by an older rule."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samverkan.situation import reprotection


class Command(BaseCommand):
    help = (
        "Granskar delade och offentliga lägesbilder som skyddades med en äldre regel för "
        "små tal och döljer fler siffror där ett dolt antal går att räkna ut ur de "
        "publicerade. Körs av migrate efter en uppgradering; en ny körning ändrar inget."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Räkna bara vad som skulle döljas; skriv inget.",
        )

    def handle(self, *args, dry_run, **options):
        def progress(done, total):
            self.stderr.write(f"\r{done} av {total} lägesbilder granskade", ending="")

        result = reprotection.reprotect_pictures(dry_run=dry_run, progress=progress)
        if result.read:
            self.stderr.write("")
        verb = "skulle få" if dry_run else "fick"
        hidden = sum(result.changed.values())
        self.stdout.write(
            f"{result.read} lägesbilder granskade; {len(result.changed)} {verb} "
            f"{hidden} siffror till dolda."
        )
        for warning in reprotection.warnings(result):
            self.stderr.write(warning)
