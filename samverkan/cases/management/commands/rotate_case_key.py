"""``samverkan rotate_case_key``: re-encrypt the cases' personal data under a new key.

See docs/operations.md, Keys, for the steps around it (new key first in the ring, restart,
rotate, remove the old key, restart).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from samverkan.cases import crypto, rotation


class Command(BaseCommand):
    help = (
        "Krypterar om ärendenas personuppgifter med den första nyckeln i nyckelringen "
        "(CASES_ENCRYPTION_KEYS eller nyckelfilen). Kan köras om: fortsätter där den slutade."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--generate",
            action="store_true",
            help="Skapa en ny nyckel först i nyckelfilen (CASES_ENCRYPTION_KEY_FILE) och "
            "behåll de gamla efter den tills omkrypteringen är klar.",
        )
        parser.add_argument(
            "--drop-old",
            action="store_true",
            help="Ta bort de gamla nycklarna ur nyckelfilen när allt är omkrypterat.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Ingen förloppsindikator.")

    def handle(self, *args, generate, drop_old, no_progress, **options):
        from django.conf import settings

        from_env = bool(getattr(settings, "CASES_ENCRYPTION_KEYS", None))
        path = crypto.key_file()
        if (generate or drop_old) and from_env:
            raise CommandError(
                "Nycklarna kommer från miljövariabeln CASES_ENCRYPTION_KEYS: lägg den nya "
                "nyckeln först där (och ta bort den gamla efteråt) i stället för "
                "--generate/--drop-old."
            )
        if generate:
            ring = list(crypto.keys())
            crypto.write_key_file(path, [crypto.generate_key(), *ring])
            self.stdout.write(
                f"Ny nyckel {crypto.fingerprint(crypto.keys()[0])} först i {path}; "
                "de gamla ligger kvar efter den."
            )
        ring = crypto.keys()
        total = rotation.count_rows()
        with tqdm(total=total, unit="rad", desc="Omkryptering", disable=no_progress or None) as bar:
            result = rotation.rotate_case_key(progress=bar.update)
        self.stdout.write(
            f"Klart: {result.rotated} rader omkrypterade, {result.already} var redan "
            f"krypterade med nyckeln {crypto.fingerprint(ring[0])}."
        )
        if len(ring) == 1:
            return
        if drop_old:
            crypto.write_key_file(path, [ring[0]])
            self.stdout.write(f"De gamla nycklarna är borttagna ur {path}.")
        else:
            self.stdout.write(
                "Alla uppgifter är krypterade med den nya nyckeln. De gamla nycklarna kan nu "
                "tas bort ur konfigurationen (docs/operations.md, Keys)."
            )
