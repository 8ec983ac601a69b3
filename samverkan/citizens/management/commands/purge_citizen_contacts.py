"""Delete residents' e-mail addresses older than CITIZEN_CONTACT_DAYS (run daily)."""

from django.core.management.base import BaseCommand

from samverkan.citizens.services import purge_contacts


class Command(BaseCommand):
    help = "Raderar invånares e-postadresser från trygghetsvandringen efter CITIZEN_CONTACT_DAYS dagar."

    def handle(self, *args, **options):
        n = purge_contacts()
        self.stdout.write(f"{n} e-postadresser raderade.")
