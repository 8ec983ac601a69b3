"""``samverkan backup FILE``: a consistent backup of the running installation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from samverkan.core import backup


class Command(BaseCommand):
    help = (
        "Skriver en säkerhetskopia (databas, uppladdade filer och manifest med antal rader "
        "och kontrollsummor) till FILE medan tjänsten kör. Nycklarna ingår inte."
    )
    # A backup must work even when the installation cannot start (e.g. a missing key).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="Arkivet som skrivs (tar.gz).")
        parser.add_argument(
            "--database", default="default", help="Databasalias (standard: default)."
        )

    def handle(self, *args, file, database, **options):
        try:
            manifest = backup.backup(file, using=database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        files = sum(1 for name in manifest["checksums"] if name.startswith("media/"))
        self.stdout.write(
            f"Säkerhetskopia skriven till {file}: {len(manifest['counts'])} tabeller, "
            f"{rows} rader, {files} uppladdade filer. Nycklarna ingår inte: kopiera dem "
            "separat (docs/operations.md, Keys)."
        )
