from django.core.management.base import BaseCommand

from samverkan.demo import loader as demo


class Command(BaseCommand):
    help = (
        "Läs in demodata: Sveriges och Norges kommuner och län, demo-organisationer, en "
        "användare per roll, polisens händelser och exempelinnehåll för Samverkan Örebro "
        "(rapporter, lägesbild, planer, medborgarlöfte, uppföljning). Kan köras flera gånger."
    )

    def handle(self, *args, **opts):
        users = demo.load(log=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demoanvändare (användarnamn / lösenord / roll):"))
        for u in users:
            self.stdout.write(
                f"  {u.username:<16} {u.password:<20} {u.role.label} – {u.organisation}"
            )
        self.stdout.write("")
