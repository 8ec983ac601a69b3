"""``samverkan restore FILE``: restore a backup into an empty installation, verified."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from samverkan.core import audit, backup


class Command(BaseCommand):
    help = (
        "Återställer en säkerhetskopia från `samverkan backup` till en tom installation och "
        "kontrollerar kontrollsummor och antal rader. Nycklarna läggs tillbaka separat."
    )
    # The restored data may need a key that is put back only afterwards.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="Arkivet från samverkan backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Skriv över en databas eller mediamapp som inte är tom.",
        )
        parser.add_argument(
            "--database", default="default", help="Databasalias (standard: default)."
        )

    def handle(self, *args, file, force, database, **options):
        try:
            manifest = backup.restore(file, using=database, force=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit.record(
            "system.restore",
            details={
                "created_at": manifest["created_at"],
                "app_version": manifest["app_version"],
                "tables": len(manifest["counts"]),
                "forced": force,
            },
        )
        self.stdout.write(
            f"Återställd från {file} (skapad {manifest['created_at']}, version "
            f"{manifest['app_version']}): {len(manifest['counts'])} tabeller stämmer med "
            "manifestet. Lägg tillbaka nycklarna (docs/operations.md, Keys) och kör "
            "`samverkan migrate` om koden är nyare än säkerhetskopian."
        )
